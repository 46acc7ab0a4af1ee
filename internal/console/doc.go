// Package console gives the command line its terminal on Windows, where
// coffre.exe is built as a GUI program (no console window on double-click).
package console
