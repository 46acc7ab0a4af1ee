package config

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/zalando/go-keyring"
	"golang.org/x/crypto/nacl/secretbox"

	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/paths"
	"coffre/internal/secret"
)

// The secrets Coffre keeps.
const (
	SecretSMTP   = "smtp"   // the SMTP user's password
	SecretSFTP   = "sftp"   // the SFTP user's password
	SecretS3     = "s3"     // the S3 secret access key
	SecretWebDAV = "webdav" // the WebDAV user's password
	SecretPhrase = "phrase" // the passphrase of the automatic backups
)

// ErrNoSecret is returned by Get when nothing was recorded under the name.
var ErrNoSecret = errors.New("config: no such secret")

// Secrets keeps passwords out of coffre.toml and out of logs.
//
// Threat model. With the OS keyring (Windows Credential Manager, macOS
// Keychain, the Secret Service of a Linux desktop) the password is protected
// by the user's session like any other saved password. Without one (a
// headless Linux server) it is encrypted with NaCl secretbox (XSalsa20 +
// Poly1305) under a random 256-bit key kept in ConfigDir/secret.key (mode
// 0600), the ciphertext in DataDir/secrets.chiffres. This stops the password
// from being read in coffre.toml, in a copy of the data folder or of the
// configuration folder alone, in backups of either, in logs and e-mails. It
// does NOT stop someone who can read both folders as this user (or root):
// the key has to be readable by the service that uses it. On Windows both
// folders are %APPDATA%\Coffre, which is why Windows uses the keyring.
//
// Methods are safe for concurrent use.
type Secrets interface {
	Get(name string) (string, error)
	Set(name, value string) error
	Delete(name string) error
	// Where says in French where the passwords are kept.
	Where() string
}

// keyringService is the entry name in the OS keyring.
const keyringService = "Coffre"

var (
	msgWhereKeyring = &i18n.Message{ID: "SecretTrousseau", Other: "dans le trousseau du système"}
	msgWhereFile    = &i18n.Message{ID: "SecretFichier", Other: "sous forme chiffrée dans le dossier de données de Coffre (clé dans le dossier de configuration)"}
	msgSecretBroken = &i18n.Message{ID: "SecretIllisible", Other: "Le mot de passe enregistré « {{.Name}} » est illisible (fichier de clé changé ?) : enregistrez-le de nouveau dans l'écran Configuration."}
)

// OpenSecrets returns the keyring when the system has a working one, the
// encrypted file otherwise. COFFRE_TROUSSEAU=fichier forces the file (tests,
// servers), =systeme forces the keyring.
func OpenSecrets() Secrets {
	f := &fileSecrets{key: filepath.Join(paths.ConfigDir(), "secret.key"), data: filepath.Join(paths.DataDir(), "secrets.chiffres")}
	switch os.Getenv("COFFRE_TROUSSEAU") {
	case "fichier":
		return f
	case "systeme":
		return &keyringSecrets{fallback: f}
	}
	if keyringWorks() {
		return &keyringSecrets{fallback: f}
	}
	return f
}

// keyringWorks probes the OS keyring. On Linux a Secret Service needs a
// session bus; without one (a server, a cron job) the file is used.
func keyringWorks() bool {
	if runtime.GOOS == "linux" && os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		return false
	}
	_, err := keyring.Get(keyringService, "sonde")
	return err == nil || errors.Is(err, keyring.ErrNotFound)
}

type keyringSecrets struct{ fallback *fileSecrets }

func (k *keyringSecrets) Get(name string) (string, error) {
	secret.Protect()
	v, err := keyring.Get(keyringService, name)
	if errors.Is(err, keyring.ErrNotFound) {
		return k.fallback.Get(name)
	}
	return v, err
}

func (k *keyringSecrets) Set(name, value string) error {
	if err := keyring.Set(keyringService, name, value); err != nil {
		return err
	}
	return k.fallback.Delete(name)
}

func (k *keyringSecrets) Delete(name string) error {
	err := keyring.Delete(keyringService, name)
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return err
	}
	return k.fallback.Delete(name)
}

func (k *keyringSecrets) Where() string { return i18n.T(msgWhereKeyring, nil) }

type fileSecrets struct {
	mu        sync.Mutex
	key, data string
}

func (f *fileSecrets) Where() string { return i18n.T(msgWhereFile, nil) }

// loadKey reads the key, creating it (0600) when create is set.
func (f *fileSecrets) loadKey(create bool) (*[32]byte, error) {
	var k [32]byte
	b, err := os.ReadFile(f.key)
	if err == nil && len(b) == len(k) {
		copy(k[:], b)
		return &k, nil
	}
	if err == nil {
		return nil, fmt.Errorf("%s: bad key length %d", f.key, len(b))
	}
	if !errors.Is(err, fs.ErrNotExist) || !create {
		return nil, err
	}
	if _, err := rand.Read(k[:]); err != nil {
		return nil, err
	}
	if err := writePrivate(f.key, k[:]); err != nil {
		return nil, err
	}
	return &k, nil
}

func (f *fileSecrets) read() (map[string]string, error) {
	m := map[string]string{}
	b, err := os.ReadFile(f.data)
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	return m, json.Unmarshal(b, &m)
}

func (f *fileSecrets) write(m map[string]string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writePrivate(f.data, b)
}

func (f *fileSecrets) Get(name string) (string, error) {
	secret.Protect()
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.read()
	if err != nil {
		return "", err
	}
	enc, ok := m[name]
	if !ok {
		return "", ErrNoSecret
	}
	k, err := f.loadKey(false)
	if err != nil {
		return "", i18n.E(msgSecretBroken, map[string]any{"Name": name}, err)
	}
	box, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(box) < 24 {
		return "", i18n.E(msgSecretBroken, map[string]any{"Name": name}, err)
	}
	var nonce [24]byte
	copy(nonce[:], box[:24])
	// The name is authenticated with the value so that two entries cannot
	// be swapped in the file.
	plain, ok := secretbox.Open(nil, box[24:], &nonce, k)
	if !ok || len(plain) < len(name)+1 || string(plain[:len(name)+1]) != name+"\x00" {
		return "", i18n.E(msgSecretBroken, map[string]any{"Name": name}, errors.New("secretbox: authentication failed"))
	}
	return string(plain[len(name)+1:]), nil
}

func (f *fileSecrets) Set(name, value string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, err := f.loadKey(true)
	if err != nil {
		return err
	}
	m, err := f.read()
	if err != nil {
		return err
	}
	var nonce [24]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return err
	}
	box := secretbox.Seal(nonce[:], []byte(name+"\x00"+value), &nonce, k)
	m[name] = base64.StdEncoding.EncodeToString(box)
	return f.write(m)
}

func (f *fileSecrets) Delete(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.read()
	if err != nil {
		return err
	}
	if _, ok := m[name]; !ok {
		return nil
	}
	delete(m, name)
	return f.write(m)
}

// writePrivate replaces path atomically with a file only its owner reads.
func writePrivate(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := fsutil.CreateTemp(path)
	if err != nil {
		return err
	}
	defer tmp.Abort()
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		return err
	}
	return tmp.Commit(true)
}
