package i18n

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"os"
	"syscall"
)

// The sentences of the system and network conditions every part of Coffre
// meets — the wizard's checks, the command line, the service's mails — so
// that a person never reads a Go error string (« dial tcp: lookup … no such
// host », « read-only file system ») but what happened and what to do.
// (internal/remote sorts the offsite copy's failures into its own causes,
// with the destination's name; this is the rest.)
var (
	msgReadOnly    = &Message{ID: "LectureSeule", Other: "Cet emplacement est en lecture seule (support protégé en écriture, ou partage réseau ouvert en lecture seule)\u00a0: choisissez un autre emplacement, ou demandez le droit d'y écrire. Rien n'a été modifié."}
	msgHostUnknown = &Message{ID: "ServeurIntrouvable", Other: "Le serveur «\u00a0{{.Host}}\u00a0» est introuvable (nom inconnu du réseau)\u00a0: vérifiez son nom et la connexion Internet."}
	msgConnRefused = &Message{ID: "ConnexionRefusee", Other: "Le serveur {{.Addr}} refuse la connexion (service arrêté ou mauvais port)\u00a0: vérifiez qu'il est démarré et que le port est le bon."}
	msgTimeout     = &Message{ID: "DelaiDepasse", Other: "Le serveur ne répond pas dans le délai imparti\u00a0: vérifiez la connexion réseau, le pare-feu et qu'il est allumé, puis réessayez."}
	msgUnreachable = &Message{ID: "ReseauInjoignable", Other: "Le serveur est injoignable (réseau absent ou coupé)\u00a0: vérifiez la connexion réseau, puis réessayez."}
	msgCertificate = &Message{ID: "CertificatNonReconnu", Other: "Le certificat de sécurité du serveur n'est pas reconnu\u00a0: vérifiez l'adresse du serveur, ou installez son certificat sur cet ordinateur."}
	msgConnReset   = &Message{ID: "ConnexionCoupee", Other: "La connexion au serveur a été coupée en cours de route\u00a0: vérifiez le réseau, puis réessayez."}
	msgNameTooLong = &Message{ID: "NomTropLong", Other: "Le nom ou le chemin est trop long pour le système\u00a0: choisissez un emplacement moins profond."}
	msgFileInUse   = &Message{ID: "FichierOccupe", Other: "Le fichier est ouvert par un autre programme\u00a0: fermez-le, puis réessayez."}
)

// sysCondition is the sentence of a system or network condition, or nil
// when err is none of them.
func sysCondition(err error) (*Message, map[string]any) {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var uaErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invErr x509.CertificateInvalidError
	var recErr tls.RecordHeaderError
	var netErr net.Error
	switch {
	case isReadOnly(err):
		return msgReadOnly, nil
	case errors.As(err, &dnsErr) && !dnsErr.IsTimeout:
		return msgHostUnknown, map[string]any{"Host": dnsErr.Name}
	case errors.As(err, &certErr), errors.As(err, &uaErr), errors.As(err, &hostErr), errors.As(err, &invErr), errors.As(err, &recErr):
		return msgCertificate, nil
	case IsRefused(err):
		return msgConnRefused, map[string]any{"Addr": opAddr(err)}
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.ENETDOWN):
		return msgUnreachable, nil
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &dnsErr) && dnsErr.IsTimeout, errors.As(err, &netErr) && netErr.Timeout():
		return msgTimeout, nil
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE):
		return msgConnReset, nil
	case errors.Is(err, syscall.ENAMETOOLONG):
		return msgNameTooLong, nil
	case isInUse(err):
		return msgFileInUse, nil
	}
	return nil, nil
}

// opAddr is the address a dial failed on (« 127.0.0.1:25 »), or "" when
// the error does not say.
func opAddr(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Addr != nil {
		return oe.Addr.String()
	}
	return ""
}
