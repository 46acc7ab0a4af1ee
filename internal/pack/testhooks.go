package pack

// UseCheapScryptForTests lowers age's scrypt cost (2^10 instead of 2^18)
// for the files written from now on, and the bound readers accept, so that
// tests of encrypted files in other packages do not spend a second per file.
// Real backups never call it.
func UseCheapScryptForTests() {
	scryptWorkFactor = 10
	maxScryptWorkFactor = 12
}
