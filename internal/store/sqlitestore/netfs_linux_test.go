package sqlitestore

import "testing"

// TestNetworkMagic: the statfs types of the network file systems Coffre
// meets at customers (NFS, SMB/CIFS, 9p under WSL) are recognised, a local
// one (ext4) is not.
func TestNetworkMagic(t *testing.T) {
	for magic, want := range map[int64]string{0x6969: "NFS", 0xff534d42: "CIFS", 0xfe534d42: "SMB2", 0x01021997: "9p", 0xef53: ""} {
		if got := networkMagic[magic]; got != want {
			t.Errorf("%#x: %q, want %q", magic, got, want)
		}
	}
	if got := networkFSOf(t.TempDir()); got != "" {
		t.Logf("the test's temp folder is on %s", got)
	}
}
