package fec

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
)

// PhaseFEC is the phase of writing a FEC (its checks report PhaseControle).
const PhaseFEC dossier.Phase = "fec"

var (
	msgNoSIREN     = &i18n.Message{ID: "FECSansSIREN", Other: "Le FEC ne peut pas être écrit : le dossier {{.Dossier}} n'a pas de numéro SIREN valide (9 chiffres) ; c'est lui qui nomme le fichier. Renseignez-le dans le logiciel de gestion (valeur actuelle : « {{.Siren}} »)."}
	msgNoExercice  = &i18n.Message{ID: "FECExerciceInconnu", Other: "L'exercice {{.Exercice}} n'existe pas dans le dossier {{.Dossier}}."}
	msgArchived    = &i18n.Message{ID: "FECExerciceArchive", Other: "L'exercice {{.Exercice}} est archivé (ses écritures sont dans un fichier .paf) : désarchivez-le avant d'écrire son FEC."}
	msgBadEnd      = &i18n.Message{ID: "FECFinInvalide", Other: "La date de fin de l'exercice {{.Exercice}} (« {{.Fin}} ») n'est pas une date : elle nomme le FEC."}
	msgExists      = &i18n.Message{ID: "FECExisteDeja", Other: "Le fichier {{.File}} existe déjà dans {{.Dir}} : déplacez-le ou choisissez un autre dossier de destination."}
	msgEmpty       = &i18n.Message{ID: "FECExerciceVide", Other: "L'exercice {{.Exercice}} du dossier {{.Dossier}} n'a aucune écriture : son FEC n'aurait que la ligne d'en-tête, et l'administration refuse un fichier vide. Aucun fichier n'a été écrit."}
	msgRules       = &i18n.Message{ID: "FECReglesNonRespectees", Other: "Le FEC de l'exercice {{.Exercice}} n'a pas été écrit (aucun fichier créé) : le dossier ne respecte pas ces règles.\n{{.Detail}}"}
	msgRuleLine    = &i18n.Message{ID: "FECRegleLigne", Other: "• {{.Rule}} — {{.Count}} cas : {{.Examples}}"}
	msgMore        = &i18n.Message{ID: "FECEtAutres", One: "… et {{.Count}} autre", Other: "… et {{.Count}} autres"}
	ruleBalanced   = &i18n.Message{ID: "FECRegleEquilibre", Other: "chaque écriture est équilibrée (débit = crédit)"}
	ruleTotals     = &i18n.Message{ID: "FECRegleTotaux", Other: "le total des débits égale le total des crédits"}
	ruleNumbering  = &i18n.Message{ID: "FECRegleNumerotationContinue", Other: "numérotation continue des écritures de l'exercice (sans trou ni doublon)"}
	ruleDates      = &i18n.Message{ID: "FECRegleDates", Other: "dates valides (AAAA-MM-JJ) et date d'écriture dans l'exercice"}
	ruleMandatory  = &i18n.Message{ID: "FECRegleObligatoires", Other: "champs obligatoires renseignés"}
	ruleValidated  = &i18n.Message{ID: "FECRegleValidees", Other: "écritures validées (ValidDate obligatoire)"}
	ruleLines      = &i18n.Message{ID: "FECRegleLignes", Other: "chaque écriture a au moins une ligne"}
	ruleAccount    = &i18n.Message{ID: "FECRegleCompte", Other: "numéro de compte commençant par trois chiffres du plan comptable (CompteNum)"}
	ruleAux        = &i18n.Message{ID: "FECRegleAuxiliaire", Other: "compte auxiliaire complet : le tiers d'une ligne existe et a un code et un nom (CompAuxNum, CompAuxLib)"}
	ruleCurrency   = &i18n.Message{ID: "FECRegleDevise", Other: "montant en devise accompagné du code de sa devise (Montantdevise, Idevise)"}
	ruleLettrage   = &i18n.Message{ID: "FECRegleLettrage", Other: "lettrage accompagné de sa date (EcritureLet, DateLet)"}
	ruleAmounts    = &i18n.Message{ID: "FECRegleMontants", Other: "montants en nombre entier de centimes"}
	exUnbalanced   = &i18n.Message{ID: "FECExDesequilibre", Other: "n° {{.Num}} ({{.Journal}}, {{.Date}}) débit {{.Debit}} crédit {{.Credit}}"}
	exTotals       = &i18n.Message{ID: "FECExTotaux", Other: "débits {{.Debit}}, crédits {{.Credit}}"}
	exMissing      = &i18n.Message{ID: "FECExNumeroManquant", Other: "n° {{.Num}} manquant"}
	exDuplicate    = &i18n.Message{ID: "FECExNumeroDouble", Other: "n° {{.Num}} en double"}
	exOutOfSeq     = &i18n.Message{ID: "FECExNumeroNonPositif", Other: "n° {{.Num}} : un numéro d'écriture est un entier positif"}
	exBadDate      = &i18n.Message{ID: "FECExDateInvalide", Other: "n° {{.Num}} : {{.Field}} « {{.Value}} »"}
	exOutside      = &i18n.Message{ID: "FECExDateHors", Other: "n° {{.Num}} : {{.Date}} hors de l'exercice ({{.Debut}} – {{.Fin}})"}
	exEmpty        = &i18n.Message{ID: "FECExChampVide", Other: "n° {{.Num}} : {{.Field}} vide"}
	exNotValidated = &i18n.Message{ID: "FECExNonValidee", Other: "n° {{.Num}} ({{.Journal}}, {{.Date}})"}
	exNoLine       = &i18n.Message{ID: "FECExSansLigne", Other: "n° {{.Num}} ({{.Journal}}, {{.Date}})"}
	exAccount      = &i18n.Message{ID: "FECExCompte", Other: "n° {{.Num}} : compte « {{.Compte}} »"}
	exNoTiers      = &i18n.Message{ID: "FECExTiersAbsent", Other: "n° {{.Num}} : tiers n° {{.Tiers}} introuvable"}
	exTiersNoCode  = &i18n.Message{ID: "FECExTiersSansCode", Other: "n° {{.Num}} : tiers n° {{.Tiers}} sans code"}
	exTiersNoName  = &i18n.Message{ID: "FECExTiersSansNom", Other: "n° {{.Num}} : tiers « {{.Code}} » sans nom"}
	exNoCurrency   = &i18n.Message{ID: "FECExDeviseSansCode", Other: "n° {{.Num}} : montant en devise {{.Montant}} sans code de devise"}
	exNoLetDate    = &i18n.Message{ID: "FECExLettrageSansDate", Other: "n° {{.Num}} : lettrage « {{.Code}} » sans date de lettrage"}
	exBadAmount    = &i18n.Message{ID: "FECExMontant", Other: "n° {{.Num}} : {{.Field}} « {{.Value}} »"}
	exNoLetCode    = &i18n.Message{ID: "FECExDateLettrageSeule", Other: "n° {{.Num}} : {{.Date}}"}

	// Notes: facts about a FEC that was written.
	noteZero    = &i18n.Message{ID: "FECNoteLignesNulles", One: "FEC {{.Exercice}} : {{.Count}} ligne à montant nul (débit = crédit = 0) est reprise telle qu'elle est dans la comptabilité ; l'outil de test de la DGFiP la signale par une alerte, qui n'empêche pas la remise du fichier.", Other: "FEC {{.Exercice}} : {{.Count}} lignes à montant nul (débit = crédit = 0) sont reprises telles qu'elles sont dans la comptabilité ; l'outil de test de la DGFiP les signale par une alerte, qui n'empêche pas la remise du fichier."}
	noteLetDate = &i18n.Message{ID: "FECNoteDateLettrageSeule", One: "FEC {{.Exercice}} : {{.Count}} ligne a une date de lettrage sans code de lettrage ({{.Examples}}) : sans lettrage, cette date n'est pas reprise dans le FEC.", Other: "FEC {{.Exercice}} : {{.Count}} lignes ont une date de lettrage sans code de lettrage ({{.Examples}}) : sans lettrage, ces dates ne sont pas reprises dans le FEC."}
)

// RuleError is a FEC that was not written because the dossier breaks some
// of the rules. Write returns it wrapped in a user-facing error whose text
// is the full French report, one rule per line; errors.As finds it.
type RuleError struct {
	Exercice string
	Rules    []RuleFailure
}

// RuleFailure is one rule the dossier breaks, with how often and the first
// few cases.
type RuleFailure struct {
	Rule     string
	Count    int
	Examples []string
}

func (e *RuleError) Error() string { return e.Report() }

// Report is the French report: a title, then one line per rule broken.
func (e *RuleError) Report() string {
	return i18n.T(msgRules, map[string]any{"Exercice": e.Exercice, "Detail": e.detail()})
}

func (e *RuleError) detail() string {
	var lines []string
	for _, r := range e.Rules {
		ex := strings.Join(r.Examples, " ; ")
		if r.Count > len(r.Examples) {
			ex += " " + i18n.N(msgMore, int64(r.Count-len(r.Examples)), nil)
		}
		lines = append(lines, i18n.T(msgRuleLine, map[string]any{"Rule": r.Rule, "Count": r.Count, "Examples": ex}))
	}
	return strings.Join(lines, "\n")
}

// Request is the FEC of one exercice.
type Request struct {
	// Querier reads the dossier; both passes (check, then write) must see
	// the same data, so give a snapshot's Querier.
	Querier  ledger.Querier
	Identity dossier.Identity
	Exercice string // code: "2024"
	DestDir  string
	Progress dossier.Progress
}

// Result says what was written.
type Result struct {
	Path      string
	Exercice  string
	Size      int64
	Ecritures int64
	Lignes    int64 // FEC lines, header excluded: one per ligne
	Debit     int64 // cents
	Credit    int64
	// Cleaned counts the fields whose text was changed to fit the format
	// (characters outside ISO-8859-15, tabs or line breaks).
	Cleaned int
	// Notes are facts about the file for the person who hands it over:
	// lines at zero written as booked, lettering dates without a code left
	// out.
	Notes    []i18n.Note
	Duration time.Duration
}

var sirenRe = regexp.MustCompile(`^[0-9]{9}$`)

// Name is the legal file name: <SIREN>FEC<AAAAMMJJ>.txt, the date being the
// exercice's closing date.
func Name(siren, finAAAAMMJJ string) string { return siren + "FEC" + finAAAAMMJJ + ".txt" }

// exercice is one row of the exercices table.
type exercice struct {
	id                int64
	code, debut, fin  string
	cloture, archived bool
}

func loadExercice(ctx context.Context, q ledger.Querier, id dossier.Identity, code string) (exercice, error) {
	var ex exercice
	var cloture, archive sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, code, debut, fin, cloture, archive FROM exercices WHERE code = ?`, code).
		Scan(&ex.id, &ex.code, &ex.debut, &ex.fin, &cloture, &archive)
	if errors.Is(err, sql.ErrNoRows) {
		return ex, i18n.E(msgNoExercice, map[string]any{"Exercice": code, "Dossier": id.Base()}, dossier.ErrNotFound)
	}
	if err != nil {
		return ex, fmt.Errorf("fec: exercice %s: %w", code, err)
	}
	ex.cloture, ex.archived = cloture.Int64 != 0, archive.Int64 != 0
	return ex, nil
}

// Check applies every rule Write applies (SIREN, exercice, the FEC rules,
// no file in the way) without writing anything: a caller writing several
// files checks them all first.
func Check(ctx context.Context, req Request) error {
	ex, _, err := prepare(ctx, req)
	if err == nil {
		_, err = check(ctx, req, ex)
	}
	return err
}

// prepare finds the exercice and the file name, refusing a missing SIREN,
// an archived exercice or a file already there.
func prepare(ctx context.Context, req Request) (exercice, string, error) {
	siren := strings.ReplaceAll(strings.TrimSpace(req.Identity.SIREN), " ", "")
	if !sirenRe.MatchString(siren) {
		return exercice{}, "", i18n.E(msgNoSIREN, map[string]any{"Dossier": req.Identity.Base(), "Siren": req.Identity.SIREN}, nil)
	}
	ex, err := loadExercice(ctx, req.Querier, req.Identity, req.Exercice)
	if err != nil {
		return ex, "", err
	}
	if ex.archived {
		return ex, "", i18n.E(msgArchived, map[string]any{"Exercice": ex.code}, nil)
	}
	fin, ok := Date(ex.fin)
	if !ok {
		return ex, "", i18n.E(msgBadEnd, map[string]any{"Exercice": ex.code, "Fin": ex.fin}, nil)
	}
	final := filepath.Join(req.DestDir, Name(siren, fin))
	if _, err := os.Lstat(final); err == nil {
		return ex, "", i18n.E(msgExists, map[string]any{"File": filepath.Base(final), "Dir": req.DestDir}, dossier.ErrExists)
	}
	return ex, final, nil
}

// check streams the exercice through the rules; the error is the report.
func check(ctx context.Context, req Request, ex exercice) (*checker, error) {
	var total int64
	if err := req.Querier.QueryRowContext(ctx, `SELECT COUNT(*) FROM lignes l JOIN ecritures e ON e.id = l.ecriture_id WHERE e.exercice_id = ?`, ex.id).Scan(&total); err != nil {
		return nil, fmt.Errorf("fec: count: %w", err)
	}
	chk := newChecker(ex)
	chk.total = total
	label := req.Identity.Numero
	err := scan(ctx, req.Querier, ex.id, func(r *row) error {
		chk.add(r)
		if chk.lines%1024 == 0 {
			req.Progress.Report(dossier.Event{Phase: dossier.PhaseControle, Dossier: label, Done: chk.lines, Total: total})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if chk.entries == 0 {
		return nil, i18n.E(msgEmpty, map[string]any{"Exercice": ex.code, "Dossier": req.Identity.Base()}, dossier.ErrNotFound)
	}
	if rerr := chk.finish(); rerr != nil {
		return nil, i18n.E(msgRules, map[string]any{"Exercice": rerr.Exercice, "Detail": rerr.detail()}, rerr)
	}
	req.Progress.Report(dossier.Event{Phase: dossier.PhaseControle, Dossier: label, Done: total, Total: total})
	return chk, nil
}

// Write checks the exercice against the FEC rules and, only if it passes
// all of them, writes <SIREN>FEC<AAAAMMJJ>.txt in DestDir (under a temp
// name until complete). It never replaces an existing file.
func Write(ctx context.Context, req Request) (Result, error) {
	start := time.Now()
	res := Result{Exercice: req.Exercice}
	ex, final, err := prepare(ctx, req)
	if err != nil {
		return res, err
	}
	chk, err := check(ctx, req, ex)
	if err != nil {
		return res, err
	}
	total, label := chk.total, req.Identity.Numero

	tmp, err := fsutil.CreateTemp(final)
	if err != nil {
		return res, err
	}
	defer tmp.Abort()
	cw := &countingWriter{w: tmp}
	bw := bufio.NewWriterSize(cw, 1<<16)
	header := Record(Columns)
	buf := encode(nil, &header)
	if _, err := bw.Write(buf); err != nil {
		return res, err
	}
	var lines, debit, credit int64
	err = scan(ctx, req.Querier, ex.id, func(r *row) error {
		if !r.lineID.Valid {
			return nil
		}
		rec, _ := r.record()
		buf = encode(buf[:0], &rec)
		lines++
		debit += r.debit.v
		credit += r.credit.v
		if lines%1024 == 0 {
			req.Progress.Report(dossier.Event{Phase: PhaseFEC, Dossier: label, Done: lines, Total: total})
		}
		_, err := bw.Write(buf)
		return err
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return res, err
	}
	// Both passes read the same snapshot: anything else is a bug or a
	// caller that did not give one.
	if lines != chk.lines || debit != chk.debit || credit != chk.credit {
		return res, fmt.Errorf("fec: the dossier changed between the check and the write (%d/%d lines)", lines, chk.lines)
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if err := tmp.Commit(false); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return res, i18n.E(msgExists, map[string]any{"File": filepath.Base(final), "Dir": req.DestDir}, dossier.ErrExists)
		}
		return res, err
	}
	req.Progress.Report(dossier.Event{Phase: PhaseFEC, Dossier: label, Done: total, Total: total})
	res.Path, res.Size = final, cw.n
	res.Ecritures, res.Lignes, res.Debit, res.Credit, res.Cleaned = chk.entries, lines, debit, credit, chk.cleaned
	res.Notes = chk.notes()
	res.Duration = time.Since(start)
	return res, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// row is one ligne of the exercice with its entry, journal, account and
// tiers; an entry without lines comes once with lineID NULL.
type row struct {
	entryID                      int64
	journal                      string
	journalLib, journalType      sql.NullString
	numero                       int64
	seq                          int64 // EcritureNum: rank of the entry in the file
	date                         string
	pieceRef, pieceDate          sql.NullString
	entryLib                     string
	validation                   sql.NullString
	origine                      sql.NullString
	lineID                       sql.NullInt64
	compte, compteLib            sql.NullString
	tiersID                      sql.NullInt64
	tiersCode, tiersNom, lineLib sql.NullString
	debit, credit                amount
	lettrage, dateLet            sql.NullString
	montantDevise                amount
	devise                       sql.NullString
	anouveau                     int64
}

// fileOrder is the FEC's order: à-nouveaux first (origine ANOUVEAU or an AN
// journal), then by validation date, then by entry number; lines by id.
const fileOrder = `
SELECT e.id, e.journal, j.libelle, j.type, e.numero, e.date_ecriture, e.piece_ref, e.piece_date, e.libelle,
       e.date_validation, e.origine, l.id, l.compte, c.libelle, l.tiers_id, t.code, t.nom, l.libelle, l.debit, l.credit,
       l.lettrage, l.date_lettrage, l.montant_devise, l.devise,
       CASE WHEN e.origine = 'ANOUVEAU' OR j.type = 'AN' THEN 0 ELSE 1 END AS an
FROM ecritures e
LEFT JOIN lignes l ON l.ecriture_id = e.id
LEFT JOIN journaux j ON j.code = e.journal
LEFT JOIN comptes c ON c.numero = l.compte
LEFT JOIN tiers t ON t.id = l.tiers_id
WHERE e.exercice_id = ?
ORDER BY an, e.date_validation, e.numero, e.id, l.id`

func scan(ctx context.Context, q ledger.Querier, exID int64, fn func(*row) error) error {
	rows, err := q.QueryContext(ctx, fileOrder, exID)
	if err != nil {
		return fmt.Errorf("fec: read: %w", err)
	}
	defer rows.Close()
	var r row
	var last, seq int64
	for rows.Next() {
		r = row{}
		if err := rows.Scan(&r.entryID, &r.journal, &r.journalLib, &r.journalType, &r.numero, &r.date, &r.pieceRef, &r.pieceDate, &r.entryLib,
			&r.validation, &r.origine, &r.lineID, &r.compte, &r.compteLib, &r.tiersID, &r.tiersCode, &r.tiersNom, &r.lineLib, &r.debit, &r.credit,
			&r.lettrage, &r.dateLet, &r.montantDevise, &r.devise, &r.anouveau); err != nil {
			return fmt.Errorf("fec: read: %w", err)
		}
		if seq == 0 || r.entryID != last {
			seq++
			last = r.entryID
		}
		r.seq = seq
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("fec: read: %w", err)
	}
	return ctx.Err()
}

// record builds the FEC line of r and returns how many of its fields Clean
// changed. EcritureNum is the entry's rank in the file, so the numbering is
// continuous in validation order whatever order the dossier numbered its
// entries in. PieceRef falls back to the entry's number in the dossier and
// PieceDate to the entry date when the dossier has none (both are mandatory);
// EcritureLib is the line's libellé, or the entry's when the line has none.
func (r *row) record() (Record, int) {
	var rec Record
	changed := 0
	set := func(i int, s string) {
		c, ch := Clean(s)
		if ch {
			changed++
		}
		rec[i] = c
	}
	date, _ := Date(r.date)
	set(0, r.journal)
	set(1, r.journalLib.String)
	rec[2] = strconv.FormatInt(r.seq, 10)
	rec[3] = date
	set(4, r.compte.String)
	set(5, r.compteLib.String)
	if r.tiersCode.Valid {
		set(6, r.tiersCode.String)
		set(7, r.tiersNom.String)
	}
	set(8, r.pieceRef.String)
	if rec[8] == "" {
		rec[8] = strconv.FormatInt(r.numero, 10)
	}
	rec[9] = date
	if pd, ok := Date(r.pieceDate.String); ok {
		rec[9] = pd
	}
	set(10, r.lineLib.String)
	if rec[10] == "" {
		set(10, r.entryLib)
	}
	rec[11] = Amount(r.debit.v)
	rec[12] = Amount(r.credit.v)
	set(13, r.lettrage.String)
	if rec[13] != "" {
		rec[14], _ = Date(r.dateLet.String)
	}
	rec[15], _ = Date(r.validation.String)
	if r.montantDevise.valid {
		rec[16] = Amount(r.montantDevise.v)
		set(17, r.devise.String)
	}
	return rec, changed
}

// checker applies the rules while the rows stream by, entry after entry.
type checker struct {
	ex      exercice
	failed  map[*i18n.Message]*RuleFailure
	order   []*i18n.Message
	cur     int64 // entry being summed
	curRow  row
	curD    int64
	curC    int64
	started bool
	numeros []int64 // the dossier's entry numbers, checked for continuity

	entries, lines, debit, credit int64
	cleaned                       int
	total                         int64 // lines announced, for progress
	zero                          int64 // lines with debit = credit = 0
	letDates                      int64 // lettering dates without a code
	letExamples                   []string
}

func newChecker(ex exercice) *checker {
	return &checker{ex: ex, failed: map[*i18n.Message]*RuleFailure{},
		order: []*i18n.Message{ruleBalanced, ruleTotals, ruleNumbering, ruleDates, ruleMandatory, ruleValidated, ruleLines,
			ruleAccount, ruleAux, ruleCurrency, ruleLettrage, ruleAmounts}}
}

const maxExamples = 5

func (c *checker) fail(rule, example *i18n.Message, data map[string]any) {
	f := c.failed[rule]
	if f == nil {
		f = &RuleFailure{Rule: i18n.T(rule, nil)}
		c.failed[rule] = f
	}
	f.Count++
	if len(f.Examples) < maxExamples {
		f.Examples = append(f.Examples, i18n.T(example, data))
	}
}

func (c *checker) add(r *row) {
	if !c.started || r.entryID != c.cur {
		c.endEntry()
		c.startEntry(r)
	}
	if !r.lineID.Valid {
		c.fail(ruleLines, exNoLine, c.entryData())
		return
	}
	c.lines++
	c.curD += r.debit.v
	c.curC += r.credit.v
	c.debit += r.debit.v
	c.credit += r.credit.v
	rec, changed := r.record()
	c.cleaned += changed
	num := r.numero
	// The mandatory text fields; dates have their own rules, and the
	// auxiliary account, lettering and currency are optional.
	for _, i := range []int{0, 1, 2, 4, 5, 8, 10, 11, 12} {
		if rec[i] == "" {
			c.fail(ruleMandatory, exEmpty, map[string]any{"Num": num, "Field": Columns[i]})
		}
	}
	for _, a := range []struct {
		field string
		v     amount
	}{{"Debit", r.debit}, {"Credit", r.credit}, {"Montantdevise", r.montantDevise}} {
		if a.v.bad != "" {
			c.fail(ruleAmounts, exBadAmount, map[string]any{"Num": num, "Field": a.field, "Value": a.v.bad})
		}
	}
	if r.debit.v == 0 && r.credit.v == 0 && r.debit.bad == "" && r.credit.bad == "" {
		c.zero++
	}
	// Article A47 A-1: the account number starts with three digits of the
	// French chart of accounts.
	if rec[4] != "" && !pcgDigits(rec[4]) {
		c.fail(ruleAccount, exAccount, map[string]any{"Num": num, "Compte": rec[4]})
	}
	// The auxiliary account, the lettering and the currency are optional,
	// but once given they are given whole.
	switch {
	case r.tiersID.Valid && !r.tiersCode.Valid:
		c.fail(ruleAux, exNoTiers, map[string]any{"Num": num, "Tiers": r.tiersID.Int64})
	case r.tiersCode.Valid && rec[6] == "":
		c.fail(ruleAux, exTiersNoCode, map[string]any{"Num": num, "Tiers": r.tiersID.Int64})
	case r.tiersCode.Valid && rec[7] == "":
		c.fail(ruleAux, exTiersNoName, map[string]any{"Num": num, "Code": rec[6]})
	}
	if r.montantDevise.valid && rec[17] == "" {
		c.fail(ruleCurrency, exNoCurrency, map[string]any{"Num": num, "Montant": rec[16]})
	}
	dateLet := strings.TrimSpace(r.dateLet.String)
	switch {
	case rec[13] != "" && dateLet == "":
		c.fail(ruleLettrage, exNoLetDate, map[string]any{"Num": num, "Code": rec[13]})
	case rec[13] != "" && rec[14] == "":
		c.fail(ruleDates, exBadDate, map[string]any{"Num": num, "Field": "DateLet", "Value": r.dateLet.String})
	case rec[13] == "" && dateLet != "":
		c.letDates++
		if len(c.letExamples) < maxExamples {
			c.letExamples = append(c.letExamples, i18n.T(exNoLetCode, map[string]any{"Num": num, "Date": dateLet}))
		}
	}
	if r.pieceDate.Valid && strings.TrimSpace(r.pieceDate.String) != "" {
		if _, ok := Date(r.pieceDate.String); !ok {
			c.fail(ruleDates, exBadDate, map[string]any{"Num": num, "Field": "PieceDate", "Value": r.pieceDate.String})
		}
	}
}

// pcgDigits reports whether an account number starts with three digits.
func pcgDigits(compte string) bool {
	if len(compte) < 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if compte[i] < '0' || compte[i] > '9' {
			return false
		}
	}
	return true
}

func (c *checker) entryData() map[string]any {
	return map[string]any{"Num": c.curRow.numero, "Journal": c.curRow.journal, "Date": c.curRow.date}
}

// startEntry checks what belongs to the entry as a whole: its dates, its
// validation; it keeps its number for the continuity check.
func (c *checker) startEntry(r *row) {
	c.started, c.cur, c.curRow, c.curD, c.curC = true, r.entryID, *r, 0, 0
	c.entries++
	c.numeros = append(c.numeros, r.numero)
	if d, ok := Date(r.date); !ok {
		c.fail(ruleDates, exBadDate, map[string]any{"Num": r.numero, "Field": "EcritureDate", "Value": r.date})
	} else if deb, ok1 := Date(c.ex.debut); !ok1 || d < deb || d > mustDate(c.ex.fin) {
		c.fail(ruleDates, exOutside, map[string]any{"Num": r.numero, "Date": r.date, "Debut": c.ex.debut, "Fin": c.ex.fin})
	}
	if !r.validation.Valid || strings.TrimSpace(r.validation.String) == "" {
		c.fail(ruleValidated, exNotValidated, c.entryData())
	} else if _, ok := Date(r.validation.String); !ok {
		c.fail(ruleDates, exBadDate, map[string]any{"Num": r.numero, "Field": "ValidDate", "Value": r.validation.String})
	}
}

func mustDate(s string) string { d, _ := Date(s); return d }

func (c *checker) endEntry() {
	if c.started && c.curD != c.curC {
		d := c.entryData()
		d["Debit"], d["Credit"] = Amount(c.curD), Amount(c.curC)
		c.fail(ruleBalanced, exUnbalanced, d)
	}
}

// finish closes the last entry and returns the report, nil when every rule
// holds.
func (c *checker) finish() *RuleError {
	c.endEntry()
	sort.Slice(c.numeros, func(i, j int) bool { return c.numeros[i] < c.numeros[j] })
	// The law asks for a continuous sequence, not one that starts at 1: a
	// dossier may number from 1001, or go on from the year before.
	var want int64
	for i, n := range c.numeros {
		if i > 0 && n == c.numeros[i-1] {
			c.fail(ruleNumbering, exDuplicate, map[string]any{"Num": n})
			continue
		}
		if n < 1 {
			c.fail(ruleNumbering, exOutOfSeq, map[string]any{"Num": n})
			continue
		}
		if want == 0 {
			want = n
		}
		// A gap is counted whole but only its first numbers are named, so
		// a gap of a million numbers costs nothing.
		for k := want; k < n && k < want+maxExamples; k++ {
			c.fail(ruleNumbering, exMissing, map[string]any{"Num": k})
		}
		if gap := n - want; gap > maxExamples {
			c.failed[ruleNumbering].Count += int(gap - maxExamples)
		}
		want = n + 1
	}
	if c.debit != c.credit {
		c.fail(ruleTotals, exTotals, map[string]any{"Debit": Amount(c.debit), "Credit": Amount(c.credit)})
	}
	if len(c.failed) == 0 {
		return nil
	}
	e := &RuleError{Exercice: c.ex.code}
	for _, m := range c.order {
		if f := c.failed[m]; f != nil {
			e.Rules = append(e.Rules, *f)
		}
	}
	return e
}

// notes are the facts a written FEC carries for the reader.
func (c *checker) notes() []i18n.Note {
	var out []i18n.Note
	if c.zero > 0 {
		out = append(out, i18n.NewNote(noteZero, map[string]any{"Exercice": c.ex.code, "Count": c.zero}))
	}
	if c.letDates > 0 {
		ex := strings.Join(c.letExamples, " ; ")
		if int(c.letDates) > len(c.letExamples) {
			ex += " " + i18n.N(msgMore, c.letDates-int64(len(c.letExamples)), nil)
		}
		out = append(out, i18n.NewNote(noteLetDate, map[string]any{"Exercice": c.ex.code, "Count": c.letDates, "Examples": ex}))
	}
	return out
}
