package iso9660

import "fmt"

// buildAll lays out every planned volume and checks it fits the limit.
func (s *set) buildAll() error {
	s.vols = nil
	if len(s.plans) > 0xFFFF {
		return fmt.Errorf("the content needs %d volumes, more than the 65535 a volume set can number; raise max_volume_size", len(s.plans))
	}
	for i, p := range s.plans {
		v, err := s.build(i+1, len(s.plans), p.pieces)
		if err != nil {
			return err
		}
		if limit := s.opts.MaxVolumeSize / sectorSize; s.opts.MaxVolumeSize > 0 && v.total > limit {
			return fmt.Errorf("internal error: volume %d has %d sectors, above its planned bound of %d; please report this", v.seq, v.total, limit)
		}
		s.vols = append(s.vols, v)
	}
	return nil
}

// build makes volume seq of count from its pieces and lays it out.
func (s *set) build(seq, count int, pieces []piece) (*volume, error) {
	root, err := buildTree(s.root, pieces)
	if err != nil {
		return nil, err
	}
	v := &volume{seq: seq, count: count, id: volumeID(s.opts.VolumeID, seq), st: s.st, root: root}
	if seq == 1 {
		if err := s.addBoot(v); err != nil {
			return nil, err
		}
	}
	if count > 1 {
		v.manifest, err = addFile(root, manifestName, s.manifestIno, s.manifestSize)
		if err != nil {
			return nil, err
		}
	}
	return v, v.layout()
}

// addBoot gives volume 1 its El Torito images.
func (s *set) addBoot(v *volume) error {
	if s.bios == nil && s.efi == nil && s.efiHost == "" {
		return nil
	}
	v.boot = &bootSpec{}
	walkEntries(v.root, func(e *entry) {
		if e.ext != nil && e.ext.of.part == 0 && e.node != nil {
			if e.node == s.bios {
				v.boot.bios = e
			}
			if e.node == s.efi {
				v.boot.efi = e.ext
			}
		}
	})
	if s.efiHost != "" {
		x := &extent{size: s.efiSize, src: source{host: s.efiHost}}
		v.boot.efi, v.hidden = x, []*extent{x}
	}
	if (s.bios != nil && v.boot.bios == nil) || v.boot.efi == nil && (s.efi != nil || s.efiHost != "") {
		return fmt.Errorf("internal error: boot image not on volume 1; please report this")
	}
	return nil
}
