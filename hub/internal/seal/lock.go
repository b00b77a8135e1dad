package seal

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/gofrs/flock"
)

// LockFileName is the lock a data dir's users take: a serving hub shares it, rotate-seal-key holds it
// alone, so a key rotation never runs under a hub sealing new secrets with the old key.
const LockFileName = "presence-hub.lock"

// ErrDataDirBusy: the data dir is locked the other way.
var ErrDataDirBusy = errors.New("data dir in use")

// LockDataDir locks dir — shared for a serving hub, exclusive for a key rotation — without waiting.
// The returned function releases it.
func LockDataDir(dir string, exclusive bool) (release func() error, err error) {
	l := flock.New(filepath.Join(dir, LockFileName))
	var ok bool
	if exclusive {
		ok, err = l.TryLock()
	} else {
		ok, err = l.TryRLock()
	}
	if err != nil {
		return nil, fmt.Errorf("locking data dir %s: %w", dir, err)
	}
	if !ok {
		if exclusive {
			return nil, fmt.Errorf("%w: a hub is serving from %s; stop it (every replica using this database) before rotating the seal key", ErrDataDirBusy, dir)
		}
		return nil, fmt.Errorf("%w: rotate-seal-key is running on %s; start the hub when it has finished", ErrDataDirBusy, dir)
	}
	return l.Unlock, nil
}
