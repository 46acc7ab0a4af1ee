package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/wneessen/go-mail"

	"coffre/internal/config"
	"coffre/internal/employes"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
)

// SMTP is how alerts leave. Password is never logged nor written.
type SMTP struct {
	Host     string
	Port     int
	Security string // config.SecuriteSTARTTLS, SecuriteTLS, SecuriteAucune
	User     string
	Password string
	From     string
	Timeout  time.Duration
}

var (
	msgNoPassword = &i18n.Message{ID: "MailMotDePasseAbsent", Other: "Aucun mot de passe SMTP n'est enregistré : saisissez-le dans l'écran Configuration (e-mail)."}
	msgSendFailed = &i18n.Message{ID: "MailEnvoiEchoue", Other: "L'e-mail « {{.Subject}} » n'a pas pu être envoyé ({{.Detail}}) : il sera renvoyé plus tard."}
	msgNoRcpt     = &i18n.Message{ID: "MailSansDestinataire", Other: "Aucun destinataire : cochez « Alerte e-mail » pour au moins un employé qui a une adresse, ou ajoutez une adresse."}
)

// FromConfig builds the SMTP settings, the password from secrets.
func FromConfig(e config.Email, secrets config.Secrets) (SMTP, error) {
	s := SMTP{Host: e.Hote, Port: e.Port, Security: e.Securite, User: e.Utilisateur, From: e.Expediteur}
	if e.Utilisateur != "" {
		pw, err := secrets.Get(config.SecretSMTP)
		if errors.Is(err, config.ErrNoSecret) {
			return s, i18n.E(msgNoPassword, nil, err)
		}
		if err != nil {
			return s, err
		}
		s.Password = pw
	}
	return s, nil
}

// Recipients are the addresses of the employees with « Alerte e-mail »
// (when the configuration says so) and the extra addresses, without
// duplicates.
func Recipients(d config.Destinataire, emp []employes.Employee) []string {
	seen := map[string]bool{}
	var out []string
	add := func(a string) {
		a = strings.TrimSpace(a)
		if config.ValidAddress(a) && !seen[strings.ToLower(a)] {
			seen[strings.ToLower(a)] = true
			out = append(out, a)
		}
	}
	if d.Employes {
		for _, e := range emp {
			if e.Alert {
				add(e.Email)
			}
		}
	}
	for _, a := range d.Adresses {
		add(a)
	}
	return out
}

// Send delivers m now.
func (s SMTP) Send(ctx context.Context, m Mail) error {
	if len(m.To) == 0 {
		return i18n.E(msgNoRcpt, nil, nil)
	}
	msg := mail.NewMsg()
	if err := msg.From(s.From); err != nil {
		return err
	}
	if err := msg.To(m.To...); err != nil {
		return err
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)

	timeout := s.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	opts := []mail.Option{mail.WithPort(s.Port), mail.WithTimeout(timeout)}
	noEnc := false
	switch s.Security {
	case config.SecuriteTLS:
		opts = append(opts, mail.WithSSL())
	case config.SecuriteAucune:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
		noEnc = true
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if s.User != "" {
		auth := mail.SMTPAuthAutoDiscover
		if noEnc {
			auth = mail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(s.User), mail.WithPassword(s.Password))
	}
	c, err := mail.NewClient(s.Host, opts...)
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return smtpError(s, scrub(err, s.Password))
	}
	return nil
}

var (
	msgSMTPDown   = &i18n.Message{ID: "MailServeurInjoignable", Other: "le serveur d'e-mail {{.Server}} est injoignable (arrêté, mauvais port ou pas de réseau)"}
	msgSMTPAuth   = &i18n.Message{ID: "MailIdentificationRefusee", Other: "le serveur d'e-mail {{.Server}} refuse l'utilisateur « {{.User}} » ou son mot de passe"}
	msgSMTPTLS    = &i18n.Message{ID: "MailCertificat", Other: "le certificat du serveur d'e-mail {{.Server}} n'est pas reconnu, ou il ne propose pas la sécurité choisie"}
	msgSMTPRefuse = &i18n.Message{ID: "MailEnvoiRefuse", Other: "le serveur d'e-mail {{.Server}} a refusé l'envoi ({{.Reply}})"}
)

// smtpError says in French why the server did not take the mail; the
// library's error is kept as the cause.
func smtpError(s SMTP, err error) error {
	data := map[string]any{"Server": fmt.Sprintf("%s:%d", s.Host, s.Port), "User": s.User, "Reply": err.Error()}
	var netErr net.Error
	var certErr *tls.CertificateVerificationError
	var uaErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	text := strings.ToLower(err.Error())
	switch {
	case errors.Is(err, context.Canceled):
		return err
	case errors.As(err, &certErr), errors.As(err, &uaErr), errors.As(err, &hostErr), strings.Contains(text, "tls"), strings.Contains(text, "starttls"):
		return i18n.E(msgSMTPTLS, data, err)
	case strings.Contains(text, "535"), strings.Contains(text, "authentication"), strings.Contains(text, "auth "):
		return i18n.E(msgSMTPAuth, data, err)
	case errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &netErr), strings.Contains(text, "dial failed"), strings.Contains(text, "no such host"):
		return i18n.E(msgSMTPDown, data, err)
	}
	return i18n.E(msgSMTPRefuse, data, err)
}

// scrub makes sure an error never carries the password into a log.
func scrub(err error, password string) error {
	if password == "" || !strings.Contains(err.Error(), password) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), password, "***"))
}

// SendTest sends the test e-mail of the Configuration screen.
func SendTest(ctx context.Context, s SMTP, to []string, poste string) error {
	return s.Send(ctx, Compose(Report{Kind: Test, Poste: poste, Debut: time.Now()}, to))
}

// Queue holds the alerts that could not be sent, one JSON file each in its
// folder, written atomically.
type Queue struct{ Dir string }

// MaxAge is how long an alert is retried before being dropped.
const MaxAge = 30 * 24 * time.Hour

// Put saves m for a later attempt.
func (q Queue) Put(m Mail) error {
	if err := os.MkdirAll(q.Dir, 0o700); err != nil {
		return err
	}
	var rnd [4]byte
	rand.Read(rnd[:])
	name := fmt.Sprintf("%s-%s.json", m.Created.UTC().Format("20060102T150405.000000000"), hex.EncodeToString(rnd[:]))
	return q.write(filepath.Join(q.Dir, name), m)
}

func (q Queue) write(path string, m Mail) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp, err := fsutil.CreateTemp(path)
	if err != nil {
		return err
	}
	defer tmp.Abort()
	if _, err := tmp.Write(b); err != nil {
		return err
	}
	return tmp.Commit(true)
}

// Len is the number of alerts waiting.
func (q Queue) Len() int {
	files, _ := q.files()
	return len(files)
}

func (q Queue) files() ([]string, error) {
	fsutil.SweepTemp(q.Dir)
	entries, err := os.ReadDir(q.Dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") && !fsutil.IsTemp(e.Name()) {
			out = append(out, filepath.Join(q.Dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

// Flush retries every queued alert, oldest first; the sent ones are
// removed. It returns how many were sent and a note per failure.
func (q Queue) Flush(ctx context.Context, s SMTP, now time.Time) (sent int, notes []i18n.Note) {
	files, err := q.files()
	if err != nil {
		return 0, []i18n.Note{i18n.NoteOf(err)}
	}
	for _, f := range files {
		if ctx.Err() != nil {
			return sent, notes
		}
		var m Mail
		b, err := os.ReadFile(f)
		if err != nil || json.Unmarshal(b, &m) != nil {
			os.Remove(f)
			continue
		}
		if err := s.Send(ctx, m); err != nil {
			m.Attempts++
			m.LastError = err.Error()
			if now.Sub(m.Created) > MaxAge {
				os.Remove(f)
			} else {
				q.write(f, m)
			}
			notes = append(notes, i18n.NewNote(msgSendFailed, map[string]any{"Subject": m.Subject, "Detail": i18n.Describe(err)}))
			continue
		}
		os.Remove(f)
		sent++
	}
	return sent, notes
}

// Deliver sends m, or queues it when sending fails: an alert is never
// lost, and a failed alert never fails the backup. The note, for the run
// log, says why it waits (none when sent).
func Deliver(ctx context.Context, s SMTP, q Queue, m Mail) (sent bool, note i18n.Note) {
	err := s.Send(ctx, m)
	if err == nil {
		return true, note
	}
	m.Attempts, m.LastError = 1, err.Error()
	if qerr := q.Put(m); qerr != nil {
		return false, i18n.NoteOf(qerr)
	}
	return false, i18n.NewNote(msgSendFailed, map[string]any{"Subject": m.Subject, "Detail": i18n.Describe(err)})
}
