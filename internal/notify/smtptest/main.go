// Command smtptest is the SMTP server of the tests: a real SMTP
// implementation (github.com/emersion/go-smtp) in its own process on
// 127.0.0.1, requiring AUTH PLAIN with one user, writing every message it
// accepts to a folder (one .eml file each, envelope in X-Envelope-* headers)
// for the tests to read. Started by scripts/services/smtp.sh or by a test.
//
//	smtptest -dir MAILS -user U -addr-file F   (password in $SMTPTEST_PASSWORD)
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

var counter atomic.Int64

type backend struct {
	dir, user, password string
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) { return &session{b: b}, nil }

type session struct {
	b      *backend
	authed bool
	from   string
	to     []string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.b.user || password != s.b.password {
			return errors.New("invalid credentials")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.b.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n", s.from, strings.Join(s.to, ", "))
	buf.Write(body)
	n := counter.Add(1)
	name := fmt.Sprintf("%s-%04d.eml", time.Now().UTC().Format("20060102T150405.000000000"), n)
	tmp := filepath.Join(s.b.dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(s.b.dir, name))
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

func main() {
	dir := flag.String("dir", "", "folder receiving the messages")
	user := flag.String("user", "", "the only user accepted (AUTH PLAIN); empty: no auth")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	addrFile := flag.String("addr-file", "", "file receiving the address actually listened on")
	flag.Parse()
	if *dir == "" {
		log.Fatal("smtptest: -dir is required")
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	be := &backend{dir: *dir, user: *user, password: os.Getenv("SMTPTEST_PASSWORD")}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	srv.MaxMessageBytes = 32 << 20
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if *addrFile != "" {
		tmp := *addrFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(l.Addr().String()), 0o644); err != nil {
			log.Fatal(err)
		}
		if err := os.Rename(tmp, *addrFile); err != nil {
			log.Fatal(err)
		}
	}
	log.Fatal(srv.Serve(l))
}
