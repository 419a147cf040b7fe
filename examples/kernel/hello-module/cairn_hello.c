// SPDX-License-Identifier: GPL-2.0
/* An out-of-tree module: says hello when it loads. */
#include <linux/init.h>
#include <linux/module.h>

static int __init cairn_hello_init(void)
{
	pr_info("cairn_hello: hello from an out-of-tree module\n");
	return 0;
}

static void __exit cairn_hello_exit(void)
{
	pr_info("cairn_hello: goodbye\n");
}

module_init(cairn_hello_init);
module_exit(cairn_hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("cairn's example out-of-tree module");
