package sqlitestore

/*
#include <stdint.h>
#include <string.h>

// The few SQLite entry points this file needs, from the library that
// github.com/mattn/go-sqlite3 compiles into the binary.
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_context sqlite3_context;
typedef struct sqlite3_value sqlite3_value;
int sqlite3_create_function_v2(sqlite3*, const char*, int, int, void*,
	void (*)(sqlite3_context*, int, sqlite3_value**),
	void (*)(sqlite3_context*, int, sqlite3_value**),
	void (*)(sqlite3_context*), void (*)(void*));
void *sqlite3_aggregate_context(sqlite3_context*, int);
int sqlite3_value_type(sqlite3_value*);
long long sqlite3_value_int64(sqlite3_value*);
double sqlite3_value_double(sqlite3_value*);
const void *sqlite3_value_blob(sqlite3_value*);
int sqlite3_value_bytes(sqlite3_value*);
void sqlite3_result_int64(sqlite3_context*, long long);
int sqlite3_auto_extension(void (*)(void));

// One row's values → 64 bits (type tag, then the value's bytes, mixed as
// FNV-1a then finished by splitmix64). The aggregate adds the rows' hashes
// modulo 2^64: the same multiset of rows gives the same digest whatever
// the order it is read in — a table and each of its indexes.
static uint64_t coffre_mix(uint64_t z) {
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t coffre_bytes(uint64_t h, const unsigned char *p, int n) {
	for (int i = 0; i < n; i++) {
		h = (h ^ p[i]) * 0x100000001b3ULL;
	}
	return h;
}

static void coffre_digest_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	uint64_t *sum = sqlite3_aggregate_context(ctx, sizeof(uint64_t));
	if (!sum) return;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (int i = 0; i < argc; i++) {
		int t = sqlite3_value_type(argv[i]);
		unsigned char tag = (unsigned char)t;
		h = coffre_bytes(h, &tag, 1);
		if (t == 1) {
			long long v = sqlite3_value_int64(argv[i]);
			h = coffre_bytes(h, (const unsigned char *)&v, sizeof v);
		} else if (t == 2) {
			double v = sqlite3_value_double(argv[i]);
			h = coffre_bytes(h, (const unsigned char *)&v, sizeof v);
		} else if (t != 5) {
			const unsigned char *p = sqlite3_value_blob(argv[i]);
			int n = sqlite3_value_bytes(argv[i]);
			h = coffre_bytes(h, (const unsigned char *)&n, sizeof n);
			if (p) h = coffre_bytes(h, p, n);
		}
	}
	*sum += coffre_mix(h);
}

static void coffre_digest_final(sqlite3_context *ctx) {
	uint64_t *sum = sqlite3_aggregate_context(ctx, 0);
	sqlite3_result_int64(ctx, sum ? (long long)*sum : 0);
}

static int coffre_digest_init(sqlite3 *db, char **err, const void *api) {
	// SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS
	return sqlite3_create_function_v2(db, "coffre_empreinte", -1, 1 | 0x800 | 0x200000, 0,
		0, coffre_digest_step, coffre_digest_final, 0);
}

static int coffre_digest_register(void) {
	return sqlite3_auto_extension((void (*)(void))coffre_digest_init);
}
*/
import "C"

import (
	"fmt"
	"sync"
)

var digestOnce sync.Once

// registerDigest makes the aggregate coffre_empreinte(v1, v2, …) exist on
// every SQLite connection opened afterwards in this process: the
// order-independent digest of the rows it sees (see IndexCheck).
func registerDigest() {
	digestOnce.Do(func() {
		if rc := C.coffre_digest_register(); rc != 0 {
			panic(fmt.Sprintf("sqlitestore: sqlite3_auto_extension: %d", rc))
		}
	})
}
