package service

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"coffre/internal/dossier"
	"coffre/internal/remote"
	"coffre/internal/testenv"
)

// sessionOf returns the sshd processes serving this process's connection
// to the test sshd (the one the test script started): the processes holding
// the server end of the socket, and their children.
func sessionOf(t *testing.T, sshdPID, sshdPort int) []int {
	t.Helper()
	mine := map[string]bool{}
	fds, _ := os.ReadDir("/proc/self/fd")
	for _, fd := range fds {
		if l, err := os.Readlink("/proc/self/fd/" + fd.Name()); err == nil && strings.HasPrefix(l, "socket:[") {
			mine[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = true
		}
	}
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		t.Skipf("no /proc/net/tcp: %v", err)
	}
	server := fmt.Sprintf("0100007F:%04X", sshdPort)
	var clientPorts []string
	lines := strings.Split(string(b), "\n")[1:]
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) > 9 && f[2] == server && mine[f[9]] {
			clientPorts = append(clientPorts, f[1])
		}
	}
	if len(clientPorts) != 1 {
		t.Fatalf("%d connections of this process to sshd, want 1", len(clientPorts))
	}
	inode := ""
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) > 9 && f[1] == server && f[2] == clientPorts[0] {
			inode = f[9]
		}
	}
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(st)
		if f := strings.Fields(s[strings.LastIndex(s, ")")+1:]); len(f) > 1 {
			parent[pid], _ = strconv.Atoi(f[1])
		}
	}
	held := map[int]bool{}
	for pid := range parent {
		under := false
		for p := parent[pid]; p > 1; p = parent[p] {
			under = under || p == sshdPID
		}
		if !under {
			continue
		}
		fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
		for _, fd := range fds {
			if l, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name())); l == "socket:["+inode+"]" {
				held[pid] = true
			}
		}
	}
	var out []int
	for pid := range parent {
		if held[pid] || held[parent[pid]] {
			out = append(out, pid)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no sshd process serves this connection")
	}
	return out
}

// #11.3: a server that stalls mid-copy (the sshd session stopped with
// SIGSTOP: connection open, nothing moves) ends the run within the stall
// time with its own mail; the next run proceeds, on a new connection, and
// sends what the stalled one could not.
func TestStalledServerEndsTheRunWithAMail(t *testing.T) {
	env := testenv.Need(t, "COFFRE_TEST_SFTP_PID")
	sshdPID, _ := strconv.Atoi(env["COFFRE_TEST_SFTP_PID"])
	w := newWorld(t)
	w.cfg.Auto.Dossiers = []string{"002"}
	remoteDir, _ := w.withSFTP(t)
	w.withSMTP(t)
	w.cfg.Distant.BlocageSecondes = 2
	w.save(t)

	var stopped []int
	w.eng.RemoteHook = func(tmp string, attempt int) {
		if stopped != nil {
			return
		}
		stopped = sessionOf(t, sshdPID, w.cfg.Distant.Port)
		for _, p := range stopped {
			if err := syscall.Kill(p, syscall.SIGSTOP); err != nil {
				t.Errorf("SIGSTOP %d: %v", p, err)
			}
		}
	}
	t.Cleanup(func() {
		for _, p := range stopped {
			syscall.Kill(p, syscall.SIGCONT)
		}
	})
	done := make(chan Report, 1)
	go func() {
		rep, _ := w.eng.RunOnce(t.Context(), Options{Force: true})
		done <- rep
	}()
	var rep Report
	select {
	case rep = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the run is still blocked 2 minutes after its server stalled")
	}
	first := rep.Backups[0]
	if first.Err != nil || first.Remote == nil || first.Remote.Cause != remote.CauseStalled {
		t.Fatalf("stalled copy: %+v\n%v", first.Remote, rep.Entry.Lines())
	}
	m := lastMail(t, w.rcpt[0], "[Coffre] Copie distante interrompue : le serveur ne répond plus — 1 copie")
	if !strings.Contains(m.Text, "cessé de répondre") || !strings.Contains(m.Text, "Que faire") {
		t.Errorf("stalled mail:\n%s", m.Text)
	}

	// The stalled session is still stopped: the next run is not refused
	// « déjà en cours », and sends both backups.
	w.eng.RemoteHook = nil
	w.clock = w.clock.Add(time.Hour)
	rep = run(t, w, true)
	if len(rep.Outbox) != 1 || rep.Outbox[0].Result.Status != remote.Validated || rep.Backups[0].Remote.Status != remote.Validated {
		t.Fatalf("the run after the stall: outbox %+v, copy %+v\n%v", rep.Outbox, rep.Backups[0].Remote, rep.Entry.Lines())
	}
	want := sorted([]string{filepath.Base(first.Result.Path), filepath.Base(rep.Backups[0].Result.Path)})
	if got := pbfs(t, remoteDir, ""); !slices.Equal(got, want) {
		t.Errorf("server holds %v, want %v", got, want)
	}
}

// smallRemote mounts a tmpfs of size bytes as the SFTP destination's folder
// (it must be root, which the CI is), so that the server really runs out of
// space.
func smallRemote(t *testing.T, dir string, size int64) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("disque distant plein : il faut être root pour monter un tmpfs (la CI l'est)")
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, fmt.Sprintf("size=%d,mode=0777", size)); err != nil {
		t.Skipf("disque distant plein : montage tmpfs impossible ici (%v)", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("démontage de %s : %v", dir, err)
		}
	})
}

// #11.5: a destination with room for exactly two copies does not stay
// stuck: on « disk full » the oldest copy goes (never the newest one) and
// the upload is tried once more. With room for one only, the newest copy is
// kept and the mail says « espace insuffisant ».
func TestFullDestinationMakesRoomOnce(t *testing.T) {
	for _, d := range destinations {
		t.Run(d.name, func(t *testing.T) {
			w := newWorld(t)
			w.cfg.Auto.Dossiers = []string{"002"}
			dir := d.set(t, w)
			w.withSMTP(t)
			w.cfg.Distant.Conserver = 7
			w.save(t)
			// One run to learn the size of a backup, then the folder gets room
			// for two and a half.
			size := run(t, w, true).Backups[0].Result.Size
			os.RemoveAll(filepath.Join(dir, "002-BOULANG_20260302_2130.pbf"))
			smallRemote(t, dir, size*5/2)
			var made []string
			for i := 0; i < 4; i++ {
				w.clock = w.clock.Add(time.Hour)
				rep := run(t, w, true)
				b := rep.Backups[0]
				if b.Remote == nil || b.Remote.Status != remote.Validated {
					t.Fatalf("run %d on a full destination: %+v\n%v", i+1, b.Remote, rep.Entry.Lines())
				}
				made = append(made, filepath.Base(b.Result.Path))
				if got, want := pbfs(t, dir, ""), sorted(made[max(0, len(made)-2):]); !slices.Equal(got, want) {
					t.Errorf("run %d: destination holds %v, want %v", i+1, got, want)
				}
				if i >= 2 && !strings.Contains(strings.Join(rep.Entry.Lines(), "\n"), "pour faire de la place") {
					t.Errorf("run %d: the log does not say a copy was removed:\n%s", i+1, strings.Join(rep.Entry.Lines(), "\n"))
				}
			}
			verified(t, filepath.Join(dir, made[len(made)-1]))

			// A bigger dossier: no room even once the older copy is gone. The
			// newest copy stays, the mail says why.
			grow(t, filepath.Join(w.conn, "002BOULANG.db"), size)
			w.clock = w.clock.Add(time.Hour)
			rep := run(t, w, true)
			b := rep.Backups[0]
			if b.Remote == nil || b.Remote.Status != remote.Failed || b.Remote.Cause != remote.CauseNoSpace {
				t.Fatalf("a copy bigger than the room left: %+v", b.Remote)
			}
			if got := pbfs(t, dir, ""); !slices.Contains(got, made[len(made)-1]) {
				t.Errorf("the newest validated copy was removed: %v", got)
			}
			m := lastMail(t, w.rcpt[0], "[Coffre] Copie distante non envoyée : espace insuffisant sur la destination — 1 copie")
			if !strings.Contains(m.Text, "libérez de la place") {
				t.Errorf("disk-full mail:\n%s", m.Text)
			}
		})
	}
}

// grow adds n incompressible bytes to the dossier at path, as an annexe.
func grow(t *testing.T, path string, n int64) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO annexes (ecriture_id, nom_fichier, type_mime, contenu)
		VALUES ((SELECT MIN(id) FROM ecritures), 'scan.bin', 'application/octet-stream', randomblob(?))`, n); err != nil {
		t.Fatal(err)
	}
}

// A backup whose upload was cut off by the server's death (the sshd session
// killed mid-upload) is resumed by the next run: only the rest is sent, the
// copy is validated, and the run's log and mail say where it resumed.
func TestInterruptedUploadResumedNextRun(t *testing.T) {
	env := testenv.Need(t, "COFFRE_TEST_SFTP_PID")
	sshdPID, _ := strconv.Atoi(env["COFFRE_TEST_SFTP_PID"])
	w := newWorld(t)
	w.cfg.Auto.Dossiers = []string{"002"}
	remoteDir, _ := w.withSFTP(t)
	w.withSMTP(t)
	w.cfg.Distant.BlocageSecondes = 5
	w.save(t)
	grow(t, filepath.Join(w.conn, "002BOULANG.db"), 24<<20)
	killed := false
	w.eng.Progress = func(e dossier.Event) {
		if !killed && e.Phase == remote.PhaseUpload && e.Done > 10<<20 {
			killed = true
			for _, p := range sessionOf(t, sshdPID, w.cfg.Distant.Port) {
				syscall.Kill(p, syscall.SIGKILL)
			}
		}
	}
	rep := run(t, w, true)
	first := rep.Backups[0]
	if !killed || first.Err != nil || first.Remote == nil || first.Remote.Status != remote.Failed {
		t.Fatalf("the copy while the server died: killed %v, %+v", killed, first.Remote)
	}
	if got := pbfs(t, remoteDir, ""); len(got) != 0 {
		t.Fatalf("final names after the interrupted upload: %v", got)
	}

	w.eng.Progress = nil
	w.clock = w.clock.Add(time.Hour)
	rep = run(t, w, true)
	if len(rep.Outbox) != 1 {
		t.Fatalf("outbox %+v\n%v", rep.Outbox, rep.Entry.Lines())
	}
	r := rep.Outbox[0].Result
	if r.Status != remote.Validated || r.Resumed == 0 || r.Sent >= r.Size {
		t.Fatalf("the interrupted upload was not resumed: %+v", r)
	}
	verified(t, filepath.Join(remoteDir, filepath.Base(first.Result.Path)))
	log := strings.Join(rep.Entry.Lines(), "\n")
	if !strings.Contains(log, "envoi interrompu repris à") {
		t.Errorf("the log does not say the upload was resumed:\n%s", log)
	}
	m := lastMail(t, w.rcpt[0], "[Coffre]")
	if !strings.Contains(m.Text, "envoi interrompu repris à") {
		t.Errorf("the mail does not say the upload was resumed:\n%s", m.Text)
	}
	for _, e := range mustReadDir(t, remoteDir) {
		if remote.IsTemp(e) {
			t.Errorf("temporary upload left: %s", e)
		}
	}
}

func mustReadDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}
