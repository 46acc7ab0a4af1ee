package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// line is one row of `lignes`; empty strings and zero devise amounts are
// written as NULL.
type line struct {
	compte        string
	tiers         int64
	libelle       string
	debit, credit int64
	lettrage      string
	dateLettrage  string
	montantDevise int64
	devise        string
}

// entry is one row of `ecritures` with its lines and its optional annex.
type entry struct {
	id             int64
	numero         int64
	journal        string
	date           time.Time
	pieceRef       string
	pieceDate      string
	libelle        string
	dateValidation string
	origine        string
	lines          []line
	annexe         *annexe
	seq            int // creation order, to keep the sort stable and deterministic
}

type annexe struct {
	nom     string
	contenu []byte
}

// exercice is one row of `exercices`.
type exercice struct {
	id         int64
	code       string
	debut, fin time.Time
	cloture    bool
}

type balanceKey struct {
	compte string
	tiers  int64
}

// ledger generates the entries of one dossier, exercice after exercice,
// carrying the balance-sheet balances from one to the next.
type ledger struct {
	p         *profile
	rng       *rand.Rand
	heavy     bool // text-heavy labels, for the grown dossier of a benchmark
	clientID  []int64
	supplyID  []int64
	supplyW   int // sum of the profile's purchase weights
	lettrage  map[string]int
	balance   map[balanceKey]int64 // debit - credit of the exercice being generated
	equipment []int64              // equipment bought per exercice, cents before tax
	nextEntry int64
	seq       int

	// Per exercice.
	ex      exercice
	entries []*entry
	invoice int // last sales invoice number of the exercice
}

const capital = 5_000_000 // cents

func newLedger(p *profile, rng *rand.Rand, heavy bool) *ledger {
	l := &ledger{p: p, rng: rng, heavy: heavy, lettrage: map[string]int{}, balance: map[balanceKey]int64{}}
	for i := range clients {
		l.clientID = append(l.clientID, int64(i+1))
	}
	for i := range suppliers {
		l.supplyID = append(l.supplyID, int64(len(clients)+i+1))
		l.supplyW += p.weights[i]
	}
	return l
}

// exercices lists the profile's fiscal years; all but the last are closed.
func (p *profile) exercicesList() []exercice {
	var out []exercice
	for i := 0; i < p.exercices; i++ {
		debut := p.first.AddDate(i, 0, 0)
		fin := debut.AddDate(1, 0, -1)
		out = append(out, exercice{
			id: int64(i + 1), code: fmt.Sprint(fin.Year()),
			debut: debut, fin: fin, cloture: i < p.exercices-1,
		})
	}
	return out
}

// generate returns the entries of exercice ex, numbered in date order, with
// about volume times the profile's usual activity.
func (l *ledger) generate(ex exercice, index int, volume float64) []*entry {
	l.ex, l.entries, l.invoice = ex, nil, 0
	carried := l.aNouveaux()
	switch {
	case index == 0:
		l.add(&entry{journal: "BQ1", date: ex.debut, libelle: "Apport en capital à la constitution", pieceRef: "Statuts", pieceDate: iso(ex.debut.AddDate(0, 0, -20)),
			lines: []line{{compte: "512000", debit: capital}, {compte: "101000", credit: capital, libelle: "Capital social souscrit et libéré"}}})
	case carried != nil:
		l.settleCarried(carried)
		l.allocateResult(carried)
	}
	activity := math.Pow(1+l.p.growth, float64(index)) * volume
	l.equipment = append(l.equipment, 0)
	for m, month := 0, ex.debut; !month.After(ex.fin) && !month.After(today); m, month = m+1, month.AddDate(0, 1, 0) {
		last := month.AddDate(0, 1, -1)
		l.rent(month, index)
		if m == 2 {
			l.equipment[index] = l.purchase(month.AddDate(0, 0, 9), supplierEquipment, 0)
		}
		for _, d := range l.days(month, last, l.count(float64(l.p.salesPerMonth)*activity)) {
			l.sale(d)
		}
		for _, d := range l.days(month, last, l.count(float64(l.p.purchasesPerMonth)*activity)) {
			l.purchase(d, l.pickSupplier(), 0)
		}
		if last.After(today) {
			continue
		}
		l.payroll(last)
		fees := 1200 + int64(l.rng.IntN(2500))
		l.add(&entry{journal: "BQ1", date: last, libelle: "Frais de tenue de compte " + monthName(month), pieceRef: l.maybe(0.7, "RLV-"+month.Format("2006-01")),
			lines: []line{{compte: "627000", debit: fees}, {compte: "512000", credit: fees}}})
		l.vat(month, last)
	}
	if !ex.fin.After(today) {
		l.depreciation(index)
	}
	l.number()
	return l.entries
}

// aNouveaux builds the opening entry from the previous exercice's closing
// balances of classes 1 to 5, with the year's result carried on 120000 (the
// management software closes the year that way). It returns the carried
// balances so the new year can settle and allocate them.
func (l *ledger) aNouveaux() map[balanceKey]int64 {
	if len(l.balance) == 0 {
		return nil
	}
	carried := map[balanceKey]int64{}
	var result int64
	for k, v := range l.balance {
		switch k.compte[0] {
		case '1', '2', '3', '4', '5':
			carried[k] += v
		default:
			result += v
		}
	}
	carried[balanceKey{compte: "120000"}] += result
	clear(l.balance) // the new exercice starts from its à-nouveaux only
	var keys []balanceKey
	for k, v := range carried {
		if v != 0 {
			keys = append(keys, k)
		} else {
			delete(carried, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].compte != keys[j].compte {
			return keys[i].compte < keys[j].compte
		}
		return keys[i].tiers < keys[j].tiers
	})
	if len(keys) == 0 {
		return nil
	}
	e := &entry{journal: "AN", date: l.ex.debut, libelle: "À-nouveaux de l'exercice " + l.ex.code, origine: "ANOUVEAU"}
	for _, k := range keys {
		ln := line{compte: k.compte, tiers: k.tiers, libelle: "Report à nouveau"}
		if v := carried[k]; v > 0 {
			ln.debit = v
		} else {
			ln.credit = -v
		}
		e.lines = append(e.lines, ln)
	}
	l.add(e)
	return carried
}

// settleCarried pays, early in the new exercice, what was still due at the
// end of the previous one, lettering each payment with its à-nouveau line.
func (l *ledger) settleCarried(carried map[balanceKey]int64) {
	an := l.entries[0]
	var vat []line
	var vatNet int64
	for i := range an.lines {
		a := &an.lines[i]
		v := carried[balanceKey{a.compte, a.tiers}]
		switch a.compte {
		case "411000", "401000":
			d := l.ex.debut.AddDate(0, 0, 5+l.rng.IntN(50))
			if d.After(today) {
				continue
			}
			code := l.letter(a.compte)
			a.lettrage, a.dateLettrage = code, iso(d)
			name := l.partyName(a.tiers)
			pay := line{compte: a.compte, tiers: a.tiers, libelle: name, lettrage: code, dateLettrage: iso(d)}
			bank := line{compte: "512000"}
			if v > 0 {
				pay.credit, bank.debit = v, v
			} else {
				pay.debit, bank.credit = -v, -v
			}
			l.add(&entry{journal: "BQ1", date: d, libelle: "Règlement solde antérieur " + name, pieceRef: l.maybe(0.6, "RLV-"+d.Format("2006-01")),
				lines: []line{pay, bank}})
		case "431000":
			d := l.ex.debut.AddDate(0, 0, 14)
			if !d.After(today) {
				l.add(&entry{journal: "BQ1", date: d, libelle: "Cotisations URSSAF " + monthName(l.ex.debut.AddDate(0, -1, 0)),
					lines: []line{{compte: "431000", debit: max(-v, 0), credit: max(v, 0)}, {compte: "512000", debit: max(v, 0), credit: max(-v, 0)}}})
			}
		case "445710", "445660":
			vat = append(vat, line{compte: a.compte, debit: max(-v, 0), credit: max(v, 0)})
			vatNet += v
		}
	}
	if len(vat) > 0 {
		l.vatEntry(l.ex.debut.AddDate(0, 0, 19), l.ex.debut.AddDate(0, -1, 0), vat, vatNet)
	}
}

// allocateResult moves the previous result from 120000 at the general
// meeting: 5 % to the legal reserve until it reaches a tenth of the capital,
// the rest to retained earnings.
func (l *ledger) allocateResult(carried map[balanceKey]int64) {
	r := carried[balanceKey{compte: "120000"}]
	d := l.ex.debut.AddDate(0, 5, 27)
	if r == 0 || d.After(today) {
		return
	}
	e := &entry{journal: "OD", date: d, libelle: fmt.Sprintf("Affectation du résultat de l'exercice %d (AGO)", l.ex.debut.AddDate(0, 0, -1).Year())}
	if r < 0 { // profit: 120000 has a credit balance
		profit := -r
		reserve := min(profit/20, max(capital/10-l.reserve(carried), 0))
		e.lines = append(e.lines, line{compte: "120000", debit: profit})
		if reserve > 0 {
			e.lines = append(e.lines, line{compte: "106100", credit: reserve, libelle: "Dotation à la réserve légale"})
		}
		e.lines = append(e.lines, line{compte: "110000", credit: profit - reserve, libelle: "Report à nouveau"})
	} else {
		e.lines = []line{{compte: "110000", debit: r, libelle: "Report à nouveau débiteur"}, {compte: "120000", credit: r}}
	}
	l.add(e)
}

func (l *ledger) reserve(carried map[balanceKey]int64) int64 {
	return -carried[balanceKey{compte: "106100"}]
}

func (l *ledger) sale(d time.Time) {
	c := l.rng.IntN(len(clients))
	name := clients[c].nom
	l.invoice++
	ref := fmt.Sprintf("F%d-%05d", d.Year(), l.invoice)
	e := &entry{journal: "VEN", date: d, pieceRef: ref, pieceDate: iso(d), libelle: "Facture " + ref + " " + name}
	var ht, vat int64
	var rate int64
	for range l.p.lines {
		k := l.p.sales[l.rng.IntN(len(l.p.sales))]
		amount := l.amount(k.min, k.max)
		ht += amount
		vat += amount * k.vat / 10000
		rate = k.vat
		e.lines = append(e.lines, line{compte: k.compte, credit: amount, libelle: l.describe(e.libelle, pick(l.rng, k.what), true)})
	}
	ttc := ht + vat
	client := line{compte: "411000", tiers: l.clientID[c], debit: ttc, libelle: l.describe(e.libelle, name, false)}
	e.lines = append([]line{client}, e.lines...)
	if vat > 0 {
		e.lines = append(e.lines, line{compte: "445710", credit: vat, libelle: l.describe(fmt.Sprintf("TVA collectée %s %%", rateText(rate)), ref, false)})
	}
	l.add(e)
	l.pay(e, 0, d.AddDate(0, 0, 10+l.rng.IntN(60)), name, ref)
}

// purchase records a supplier's invoice and, most of the time, its payment;
// it returns the amount before tax. A fixed amount of 0 draws one.
func (l *ledger) purchase(d time.Time, s int, fixed int64) int64 {
	sup := suppliers[s]
	amount := fixed
	if amount == 0 {
		amount = l.amount(sup.min, sup.max)
	}
	ref := l.maybe(0.92, fmt.Sprintf("FA%06d", l.rng.IntN(1000000)))
	e := &entry{journal: "ACH", date: d, pieceRef: ref, libelle: "Facture " + sup.nom}
	if ref != "" {
		e.pieceDate = iso(d.AddDate(0, 0, -l.rng.IntN(5)))
		e.libelle += " " + ref
	}
	what := pick(l.rng, sup.what)
	charge := line{compte: sup.compte, debit: amount, libelle: l.describe(e.libelle, what, true)}
	vat := amount * sup.vat / 10000
	ttc := amount + vat
	supplier := line{compte: "401000", tiers: l.supplyID[s], credit: ttc, libelle: l.describe(e.libelle, sup.nom, false)}
	if sup.usd {
		// About 1.08 USD per euro; the dollar amount is kept in cents too.
		usd := amount * 108 / 100
		charge.montantDevise, charge.devise = usd, "USD"
		supplier.montantDevise, supplier.devise = usd, "USD"
	}
	e.lines = []line{charge}
	if vat > 0 {
		e.lines = append(e.lines, line{compte: "445660", debit: vat, libelle: l.describe(fmt.Sprintf("TVA déductible %s %%", rateText(sup.vat)), sup.nom, false)})
	}
	e.lines = append(e.lines, supplier)
	if l.rng.IntN(100) < 15 || s == supplierEquipment {
		e.annexe = l.pdf(sup.stem+"-"+d.Format("2006-01")+".pdf", e.libelle)
	}
	l.add(e)
	l.pay(e, len(e.lines)-1, d.AddDate(0, 0, 5+l.rng.IntN(45)), sup.nom, ref)
	return amount
}

// pay settles line i of invoice e on date d (if that date is within the
// exercice and not in the future), lettering both lines with a new code.
func (l *ledger) pay(e *entry, i int, d time.Time, name, ref string) {
	if d.After(l.ex.fin) || d.After(today) || l.rng.IntN(100) >= 88 {
		return
	}
	inv := &e.lines[i]
	code := l.letter(inv.compte)
	inv.lettrage, inv.dateLettrage = code, iso(d)
	pay := line{compte: inv.compte, tiers: inv.tiers, debit: inv.credit, credit: inv.debit, lettrage: code, dateLettrage: iso(d), libelle: l.describe(name, ref, false)}
	bank := line{compte: "512000", debit: inv.debit, credit: inv.credit}
	label := "Règlement " + name
	if ref != "" {
		label += " " + ref
	}
	if l.rng.IntN(3) == 0 {
		label = "Virement " + name
	}
	l.add(&entry{journal: "BQ1", date: d, libelle: label, pieceRef: l.maybe(0.7, "RLV-"+d.Format("2006-01")), pieceDate: "", lines: []line{pay, bank}})
}

func (l *ledger) rent(month time.Time, index int) {
	amount := int64(float64(suppliers[supplierRent].min) * math.Pow(1.02, float64(index)))
	l.purchase(month, supplierRent, amount/100*100)
}

// payroll books the month's salaries and employer contributions and pays the
// net salaries; contributions are paid on the 15th of the next month.
func (l *ledger) payroll(last time.Time) {
	gross := int64(l.p.employees) * l.p.salary * int64(95+l.rng.IntN(11)) / 100
	net := gross * 78 / 100
	employer := gross * 42 / 100
	m := monthName(last)
	l.add(&entry{journal: "OD", date: last, libelle: "Salaires " + m, lines: []line{
		{compte: "641000", debit: gross, libelle: l.describe("Salaires bruts", m, false)},
		{compte: "421000", credit: net, libelle: l.describe("Net à payer", m, false)},
		{compte: "431000", credit: gross - net, libelle: l.describe("Cotisations salariales", m, false)},
	}})
	l.add(&entry{journal: "OD", date: last, libelle: "Charges sociales patronales " + m, lines: []line{
		{compte: "645100", debit: employer}, {compte: "431000", credit: employer},
	}})
	l.add(&entry{journal: "BQ1", date: last, libelle: "Virement des salaires " + m, pieceRef: l.maybe(0.7, "RLV-"+last.Format("2006-01")), lines: []line{
		{compte: "421000", debit: net}, {compte: "512000", credit: net},
	}})
	if due := last.AddDate(0, 0, 15); !due.After(l.ex.fin) && !due.After(today) {
		total := gross - net + employer
		l.add(&entry{journal: "BQ1", date: due, libelle: "Cotisations URSSAF " + m, lines: []line{
			{compte: "431000", debit: total}, {compte: "512000", credit: total},
		}})
	}
}

// vat pays the VAT of month on the 20th of the next month, when that is
// still within the exercice; otherwise the balance is carried over.
func (l *ledger) vat(month, last time.Time) {
	due := last.AddDate(0, 0, 20)
	if due.After(l.ex.fin) || due.After(today) {
		return
	}
	var coll, ded int64
	for _, e := range l.entries {
		if e.date.Before(month) || e.date.After(last) || (e.journal != "VEN" && e.journal != "ACH") {
			continue
		}
		for _, ln := range e.lines {
			switch ln.compte {
			case "445710":
				coll += ln.credit - ln.debit
			case "445660":
				ded += ln.debit - ln.credit
			}
		}
	}
	l.vatEntry(due, month, []line{{compte: "445710", debit: coll}, {compte: "445660", credit: ded}}, ded-coll)
}

// vatEntry writes a VAT return's payment: lines clear the VAT accounts and
// net (their debit - credit balance) goes to the bank.
func (l *ledger) vatEntry(d, month time.Time, lines []line, net int64) {
	var kept []line
	for _, ln := range lines {
		if ln.debit != 0 || ln.credit != 0 {
			kept = append(kept, ln)
		}
	}
	if len(kept) == 0 {
		return
	}
	bank := line{compte: "512000", debit: max(net, 0), credit: max(-net, 0)}
	if net != 0 {
		kept = append(kept, bank)
	}
	l.add(&entry{journal: "BQ1", date: d, libelle: "TVA à décaisser " + monthName(month) + " (CA3)", pieceRef: l.maybe(0.5, "CA3-"+month.Format("2006-01")), lines: kept})
}

// depreciation books a third of the equipment bought over the last three
// exercices, so each purchase is written off over three years.
func (l *ledger) depreciation(index int) {
	var total int64
	for i := max(index-2, 0); i <= index; i++ {
		total += l.equipment[i] / 3
	}
	if total == 0 {
		return
	}
	l.add(&entry{journal: "OD", date: l.ex.fin, libelle: "Dotations aux amortissements " + l.ex.code, lines: []line{
		{compte: "681100", debit: total}, {compte: "281830", credit: total, libelle: "Amortissement linéaire sur 3 ans"},
	}})
}

func (l *ledger) add(e *entry) {
	if e.origine == "" {
		e.origine = "SAISIE"
	}
	l.seq++
	e.seq = l.seq
	l.entries = append(l.entries, e)
	// Lettering codes are added to lines later, which changes no balance.
	for _, ln := range e.lines {
		l.balance[balanceKey{ln.compte, ln.tiers}] += ln.debit - ln.credit
	}
}

// number sorts the exercice's entries by date (à-nouveaux first), assigns
// ids and continuous numbers, and sets validation dates.
func (l *ledger) number() {
	sort.SliceStable(l.entries, func(i, j int) bool {
		a, b := l.entries[i], l.entries[j]
		if !a.date.Equal(b.date) {
			return a.date.Before(b.date)
		}
		if (a.origine == "ANOUVEAU") != (b.origine == "ANOUVEAU") {
			return a.origine == "ANOUVEAU"
		}
		return a.seq < b.seq
	})
	recent := today.AddDate(0, 0, -40)
	for i, e := range l.entries {
		l.nextEntry++
		e.id, e.numero = l.nextEntry, int64(i+1)
		if l.ex.cloture || !e.date.After(recent) {
			v := e.date.AddDate(0, 0, 1+l.rng.IntN(25))
			if !l.ex.cloture && v.After(today) {
				v = today
			}
			e.dateValidation = iso(v)
		}
	}
}

// letter returns the next lettering code of an account: AA, AB, …, ZZ, AAA…
func (l *ledger) letter(compte string) string {
	n := l.lettrage[compte]
	l.lettrage[compte] = n + 1
	width, span := 2, 26*26
	for n >= span {
		n -= span
		width++
		span *= 26
	}
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('A' + n%26)
		n /= 26
	}
	return string(b)
}

// days draws n dates within [from, to] (never after today), sorted so that
// invoice numbers follow dates.
func (l *ledger) days(from, to time.Time, n int) []time.Time {
	if to.After(today) {
		to = today
	}
	span := int(to.Sub(from).Hours()/24) + 1
	out := make([]time.Time, n)
	for i := range out {
		out[i] = from.AddDate(0, 0, l.rng.IntN(span))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// count rounds a mean activity to an integer with some month-to-month noise.
func (l *ledger) count(mean float64) int {
	n := mean * (0.8 + 0.4*l.rng.Float64())
	return int(n + l.rng.Float64())
}

func (l *ledger) amount(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + l.rng.Int64N(hi-lo)
}

func (l *ledger) pickSupplier() int {
	n := l.rng.IntN(l.supplyW)
	for i, w := range l.p.weights {
		if n < w {
			return i
		}
		n -= w
	}
	return 0
}

func (l *ledger) partyName(tiers int64) string {
	if i := int(tiers) - 1; i < len(clients) {
		return clients[i].nom
	}
	return suppliers[int(tiers)-1-len(clients)].nom
}

// maybe returns s with probability p and "" (NULL) otherwise.
func (l *ledger) maybe(p float64, s string) string {
	if l.rng.Float64() < p {
		return s
	}
	return ""
}

// describe builds a line label. Normal dossiers leave some labels NULL, as
// real ones do; the grown benchmark dossier writes long labels everywhere so
// that its size comes from realistic text.
func (l *ledger) describe(label, detail string, product bool) string {
	if l.heavy {
		return label + " — " + detail + " — " + pick(l.rng, remarks)
	}
	if product {
		return detail
	}
	return l.maybe(0.85, label)
}

var remarks = []string{
	"pièce justificative numérisée et rapprochée du relevé bancaire",
	"conforme au bon de commande et au bon de livraison signés",
	"réglé par virement SEPA, délai de paiement de 30 jours fin de mois",
	"montant contrôlé par le cabinet lors de la révision trimestrielle",
	"escompte pour paiement anticipé non appliqué, pénalités de retard : néant",
	"écart d'arrondi de TVA corrigé sur la déclaration du mois suivant",
}

// pdf returns a small fake PDF: a valid header, then binary bytes with
// zeros and high bytes, as scanned invoices have.
func (l *ledger) pdf(name, title string) *annexe {
	n := 1024 + l.rng.IntN(5*1024)
	b := make([]byte, 0, n+128)
	b = append(b, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Title ("...)
	b = append(b, title...)
	b = append(b, ") /Producer (Numériseur Canon DR-C225) >>\nendobj\n2 0 obj\n<< /Filter /FlateDecode >>\nstream\n"...)
	for len(b) < n {
		v := l.rng.Uint64()
		for k := 0; k < 8; k++ {
			b = append(b, byte(v>>(8*k)))
		}
		b = append(b, 0, 0xff)
	}
	b = append(b, "\nendstream\nendobj\n%%EOF\n"...)
	return &annexe{nom: name, contenu: b}
}

func pick(rng *rand.Rand, s []string) string { return s[rng.IntN(len(s))] }

func iso(t time.Time) string { return t.Format("2006-01-02") }

func rateText(bp int64) string {
	if bp%100 == 0 {
		return fmt.Sprint(bp / 100)
	}
	return fmt.Sprintf("%d,%d", bp/100, bp%100/10)
}

var mois = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

func monthName(t time.Time) string { return fmt.Sprintf("%s %d", mois[t.Month()-1], t.Year()) }
