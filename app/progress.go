package app

import (
	"time"

	"coffre/internal/dossier"
)

// phaseWeight is the share of one dossier's work a phase usually takes
// (measured on the demo dossiers: compressing costs about twice re-reading;
// the checks of the database and the switch are short).
var phaseWeight = map[dossier.Phase]float64{
	dossier.PhaseLecture:      2,
	dossier.PhaseSecurite:     4,
	dossier.PhaseExtraction:   4,
	dossier.PhaseCompression:  5,
	dossier.PhaseVerification: 3,
	dossier.PhaseControle:     1,
	dossier.PhaseBascule:      0.5,
}

// phaseOrder is the order the engine's operations go through their phases:
// one dossier's bar is split in these, in this order. A phase an operation
// skips takes no room; one that comes again (a backup re-read, then
// verified) fills the room left in its own slot.
var phaseOrder = []dossier.Phase{
	dossier.PhaseLecture, dossier.PhaseSecurite, dossier.PhaseExtraction, dossier.PhaseCompression,
	dossier.PhaseVerification, dossier.PhaseControle, dossier.PhaseBascule,
}

// progressModel turns the engine's events (each phase counting its own
// bytes from zero) into one bar for the whole operation that never goes
// backwards, and a remaining time from the whole operation's pace.
//
// Each dossier has an equal share of the bar. Within it, a phase that
// begins takes, of the room left, its weight against its own and those of
// the phases that may still follow; a phase skipped takes no room, a phase
// that starts again (a backup re-read, then verified) takes its part of
// what is left again.
type progressModel struct {
	index, items int
	slot         int     // index in phaseOrder of the current phase; -1 before any
	phaseStart   float64 // the dossier's value when the current phase began
	share        float64 // the current phase's part of the room left
	lastDone     int64
	item         float64 // the current dossier's value, 0 to 1
	value        float64 // the bar: never decreases
	start        time.Time
}

func newProgressModel(now time.Time) *progressModel {
	return &progressModel{items: 1, slot: -1, start: now}
}

// started: dossier index (of items) begins.
func (m *progressModel) started(index, items int) {
	m.index, m.items = index, max(items, 1)
	m.slot, m.item, m.lastDone = -1, 0, 0
	m.raise()
}

// event takes one engine event and returns the bar's value (0 to 1).
func (m *progressModel) event(e dossier.Event) float64 {
	slot := -1
	for i, p := range phaseOrder {
		if p == e.Phase {
			slot = i
		}
	}
	switch {
	case slot < 0 || slot < m.slot:
		return m.value // an unknown or earlier phase: the text says it, the bar waits
	case slot > m.slot || e.Done < m.lastDone:
		var rest float64
		for _, p := range phaseOrder[slot:] {
			rest += phaseWeight[p]
		}
		m.slot, m.phaseStart, m.share = slot, m.item, phaseWeight[e.Phase]/rest
	}
	m.lastDone = e.Done
	f := 0.0
	if e.Total > 0 {
		f = min(max(float64(e.Done)/float64(e.Total), 0), 1)
	}
	m.item = max(m.item, m.phaseStart+(1-m.phaseStart)*m.share*f)
	m.raise()
	return m.value
}

func (m *progressModel) raise() {
	m.value = max(m.value, min((float64(m.index)+m.item)/float64(m.items), 1))
}

// remaining estimates the time the whole operation still needs, from its
// pace so far; ok is false while too little is done to tell.
func (m *progressModel) remaining(now time.Time) (left time.Duration, ok bool) {
	elapsed := now.Sub(m.start)
	if m.value < 0.03 || elapsed < time.Second {
		return 0, false
	}
	return time.Duration(float64(elapsed) * (1 - m.value) / m.value), true
}
