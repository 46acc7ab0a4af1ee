/* A stand-in bcryptprimitives.dll for Wine 8 (Debian 12), which lacks it:
 * the Go >= 1.24 runtime of every Windows binary calls ProcessPrng from it
 * at start. Windows 10 and later ship the real one. Built by
 * scripts/wine-test.sh with mingw-w64 into its throw-away WINEPREFIX only;
 * it fills the buffer from RtlGenRandom (SystemFunction036, advapi32). */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
