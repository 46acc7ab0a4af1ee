//go:build !race

package faulttest

const raceBuild = false
