package display

import (
	"github.com/go-gl/glfw/v3.4/glfw"
)

type probeResult int

const (
	probeOK probeResult = iota
	probeNoScreen
	probeNoGL
)

// probe does what Fyne will do — initialise GLFW, then create a hidden
// window with an OpenGL 2.1 context — and undoes it. It runs on the main
// goroutine, which Fyne has locked to the main thread as GLFW requires.
// The GLFW binding panics on some errors it does not expect: any panic
// means no window.
func probe() (r probeResult) {
	defer func() {
		if recover() != nil {
			r = probeNoGL
		}
	}()
	if err := glfw.Init(); err != nil {
		return probeNoScreen
	}
	defer glfw.Terminate()
	glfw.DefaultWindowHints()
	glfw.WindowHint(glfw.Visible, glfw.False)
	glfw.WindowHint(glfw.ContextVersionMajor, 2)
	glfw.WindowHint(glfw.ContextVersionMinor, 1)
	w, err := glfw.CreateWindow(16, 16, "Coffre", nil, nil)
	if err != nil || w == nil {
		return probeNoGL
	}
	w.Destroy()
	glfw.DefaultWindowHints()
	return probeOK
}
