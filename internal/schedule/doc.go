// Package schedule decides when the automatic backup is due: the daily time
// on chosen weekdays, « tous les N jours », « après N nouvelles écritures »
// since the last backup, and a missed run caught up at the next start.
package schedule
