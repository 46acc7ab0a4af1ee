// Package display tells whether Coffre's window can open on this computer
// before Fyne tries: a session without a display (a server, an SSH login) or
// without OpenGL 2.1 (Remote Desktop, a virtual machine without 3D) would
// otherwise end in a GLFW error or a crash. It also shows the one native
// message box a double-clicked coffre.exe can show when its window cannot.
package display
