package remote

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io/fs"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/pkg/sftp"

	"coffre/internal/i18n"
)

// Cause says why an offsite operation failed, so that the service can give
// each failure its own title and advice (a full disk is not a damaged copy).
type Cause string

// The causes an offsite failure is sorted into.
const (
	CauseRefused        Cause = "connexion-refusee"  // nothing listens on that port
	CauseHostNotFound   Cause = "hote-introuvable"   // the name does not resolve
	CauseUnreachable    Cause = "injoignable"        // no answer at all (network, firewall)
	CauseUnknownHost    Cause = "serveur-inconnu"    // SSH key not yet trusted
	CauseHostKeyChanged Cause = "cle-changee"        // SSH key differs from the recorded one
	CauseAuth           Cause = "authentification"   // user, key, password or access key refused
	CauseNoSpace        Cause = "espace-insuffisant" // disk full or quota reached
	CausePermission     Cause = "permission"         // logged in, but not allowed there
	CauseStalled        Cause = "bloque"             // connection alive, no progress
	CauseTLS            Cause = "certificat"         // TLS certificate not trusted
	CauseNotFound       Cause = "introuvable"        // folder, bucket or file missing
	CauseDamaged        Cause = "endommagee"         // arrived different from what was sent
	CauseOther          Cause = "autre"
)

// Op is the step of an offsite operation that failed.
type Op string

// The steps, as named in messages.
const (
	OpConnect Op = "connexion"
	OpCreate  Op = "creation"
	OpWrite   Op = "envoi"
	OpRead    Op = "relecture"
	OpRename  Op = "renommage"
	OpList    Op = "liste"
	OpRemove  Op = "suppression"
)

// Error is the typed cause carried (wrapped in an i18n.Error holding the
// French sentence) by every offsite failure. Use CauseOf to read it.
type Error struct {
	Cause Cause
	Op    Op
	Dest  string // the destination, as Describe names it (no password)
	Name  string // the file concerned, when there is one
	Err   error  // what the library or the system said (logs only)
}

func (e *Error) Error() string {
	if e.Err == nil {
		return "remote: " + string(e.Op) + ": " + string(e.Cause)
	}
	return "remote: " + string(e.Op) + ": " + string(e.Cause) + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// CauseOf returns the cause of an offsite failure: CauseOther for an error
// that was not sorted, "" for nil.
func CauseOf(err error) Cause {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Cause
	}
	if errors.Is(err, ErrDamaged) {
		return CauseDamaged
	}
	return CauseOther
}

var (
	msgRefused      = &i18n.Message{ID: "DistantRefuse", Other: "Le serveur {{.Dest}} refuse la connexion (service arrêté ou mauvais port) : vérifiez qu'il est allumé et que le port est le bon."}
	msgHostNotFound = &i18n.Message{ID: "DistantHoteIntrouvable", Other: "Le serveur de {{.Dest}} est introuvable (nom inconnu du réseau) : vérifiez son nom et la connexion Internet."}
	msgUnreachable  = &i18n.Message{ID: "DistantInjoignable", Other: "Le serveur {{.Dest}} ne répond pas : vérifiez la connexion réseau, le pare-feu et qu'il est allumé."}
	msgAuthRefused  = &i18n.Message{ID: "DistantAuthentification", Other: "{{.Dest}} refuse l'identification : vérifiez l'utilisateur, la clé, le mot de passe ou la clé d'accès."}
	msgNoSpace      = &i18n.Message{ID: "DistantEspace", Other: "Espace insuffisant sur {{.Dest}} : libérez de la place, agrandissez le quota ou conservez moins de copies."}
	msgPermission   = &i18n.Message{ID: "DistantPermission", Other: "Accès refusé sur {{.Dest}} ({{.Op}}) : l'utilisateur n'a pas le droit d'écrire ou de lire à cet endroit."}
	msgStalled      = &i18n.Message{ID: "DistantBloque", Other: "{{.Dest}} ne répond plus (aucun progrès depuis {{.Seconds}} s, {{.Op}}) : la copie est abandonnée et rien n'a été laissé sous son nom définitif."}
	msgTLS          = &i18n.Message{ID: "DistantCertificat", Other: "Le certificat de {{.Dest}} n'est pas reconnu : vérifiez l'adresse du serveur (ou installez son certificat sur cet ordinateur)."}
	msgNotFound     = &i18n.Message{ID: "DistantIntrouvable", Other: "Introuvable sur {{.Dest}} : « {{.Name}} » (dossier, compartiment ou fichier absent)."}
	msgOther        = &i18n.Message{ID: "DistantAutre", Other: "La copie vers {{.Dest}} a échoué ({{.Op}}) : {{.Detail}}"}

	opNames = map[Op]*i18n.Message{
		OpConnect: {ID: "DistantEtapeConnexion", Other: "connexion"},
		OpCreate:  {ID: "DistantEtapeCreation", Other: "création du fichier"},
		OpWrite:   {ID: "DistantEtapeEnvoi", Other: "envoi"},
		OpRead:    {ID: "DistantEtapeRelecture", Other: "relecture"},
		OpRename:  {ID: "DistantEtapeRenommage", Other: "renommage"},
		OpList:    {ID: "DistantEtapeListe", Other: "liste des copies"},
		OpRemove:  {ID: "DistantEtapeSuppression", Other: "suppression"},
	}
)

// fail sorts err into a typed, French offsite error. An error that is
// already one, a cancellation, and nil are returned as they are.
func fail(op Op, dest, name string, err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return newError(classify(err), op, dest, name, err)
}

// newError builds the user-facing error of cause c.
func newError(c Cause, op Op, dest, name string, err error) error {
	te := &Error{Cause: c, Op: op, Dest: dest, Name: name, Err: err}
	data := map[string]any{"Dest": dest, "Name": name, "Op": i18n.T(opNames[op], nil)}
	var m *i18n.Message
	switch c {
	case CauseRefused:
		m = msgRefused
	case CauseHostNotFound:
		m = msgHostNotFound
	case CauseUnreachable:
		m = msgUnreachable
	case CauseAuth:
		m = msgAuthRefused
	case CauseNoSpace:
		m = msgNoSpace
	case CausePermission:
		m = msgPermission
	case CauseTLS:
		m = msgTLS
	case CauseNotFound:
		m = msgNotFound
	default:
		m = msgOther
		data["Detail"] = i18n.Describe(err)
	}
	return i18n.E(m, data, te)
}

// stalled is the error of an operation the stall guard gave up on.
func stalled(op Op, dest, name string, after time.Duration) error {
	te := &Error{Cause: CauseStalled, Op: op, Dest: dest, Name: name, Err: errStalled}
	return i18n.E(msgStalled, map[string]any{"Dest": dest, "Op": i18n.T(opNames[op], nil), "Seconds": int(after.Round(time.Second) / time.Second)}, te)
}

var errStalled = errors.New("remote: no progress within the stall timeout")

// classify reads the system, network, SFTP and TLS errors a backend meets.
// HTTP backends sort their status codes themselves (httpCause).
func classify(err error) Cause {
	var dnsErr *net.DNSError
	var se *sftp.StatusError
	var certErr *tls.CertificateVerificationError
	var uaErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invErr x509.CertificateInvalidError
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr):
		if dnsErr.IsTimeout {
			return CauseUnreachable
		}
		return CauseHostNotFound
	case errors.As(err, &certErr), errors.As(err, &uaErr), errors.As(err, &hostErr), errors.As(err, &invErr):
		return CauseTLS
	case errors.As(err, &se):
		switch se.FxCode() {
		case sftp.ErrSSHFxNoSuchFile:
			return CauseNotFound
		case sftp.ErrSSHFxPermissionDenied:
			return CausePermission
		case 14, 15: // SSH_FX_NO_SPACE_ON_FILESYSTEM, SSH_FX_QUOTA_EXCEEDED (protocol 5+)
			return CauseNoSpace
		}
	case i18n.IsRefused(err):
		return CauseRefused
	case i18n.IsNoSpace(err):
		return CauseNoSpace
	case errors.Is(err, sftp.ErrSSHFxConnectionLost), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		// The server died or the line dropped mid-transfer.
		return CauseUnreachable
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &netErr) && netErr.Timeout():
		return CauseUnreachable
	case errors.Is(err, fs.ErrPermission):
		return CausePermission
	case errors.Is(err, fs.ErrNotExist):
		return CauseNotFound
	}
	return CauseOther
}
