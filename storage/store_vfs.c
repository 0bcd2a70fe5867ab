/*
 * store_vfs.c: the store's SQLite VFS, the system's default one with the
 * WAL file's writes gathered.
 *
 * SQLite writes a commit to the WAL as two write calls per page, the
 * frame's 24-byte header and then the page: about 70 system calls for a
 * document of 50 entries, the larger part of its commit.  Here the
 * writes of a WAL file are appended to a buffer while they follow each
 * other, and the buffer goes to the file (in calls of at most WRITE_MAX
 * bytes: about two for a document of 50 entries) when the frame that
 * commits a transaction (its header's second word, the database size
 * after the commit, is not zero: SQLite's WAL file format)
 * has been written, before SQLite marks the commit in the WAL index and
 * returns; so a commit reaches the kernel exactly when it did before, and
 * a crash before that point loses a transaction that had not committed,
 * as before.  Any other use of the file (a read, its size, a sync, a
 * truncation, a write elsewhere, a full buffer, closing) writes the
 * buffer out first, so SQLite and other connections never see the file
 * without its frames.  A failed write is reported by the call that
 * writes the buffer: SQLite then treats the commit as failed.
 *
 * Every other file (the database, its shared-memory index) is the
 * default VFS's own object, not wrapped: locking, shared memory and
 * memory-mapping are untouched, and connections that use the default VFS
 * on the same file (tools, tests) work alongside.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_int.h"

#define VFS_NAME	"feedd"
/* The WAL buffer: a document's frames fit (about 35 pages). */
#define WALBUF_SIZE	(512 * 1024)
/* The default VFS on Unix writes less than 128 KiB a call (it masks the
 * length with 0x1ffff). */
#define WRITE_MAX	0x1ffff

/* A WAL file: our methods first, then the default VFS's file object. */
struct walfile {
	sqlite3_file	 base;
	unsigned char	*buf;
	size_t		 len;		/* bytes in buf */
	sqlite3_int64	 off;		/* the file offset of buf[0] */
	int		 commit;	/* a commit frame's header is in buf */
	sqlite3_file	*real;		/* just after this struct */
};

static sqlite3_vfs feedd_vfs;

static sqlite3_vfs *
real_vfs(void)
{
	return feedd_vfs.pAppData;
}

/* Writes the buffer out; SQLite's result code. */
static int
wal_flush(struct walfile *f)
{
	size_t done, n;
	int rc = SQLITE_OK;

	for (done = 0; done < f->len && rc == SQLITE_OK; done += n) {
		n = f->len - done < WRITE_MAX ? f->len - done : WRITE_MAX;
		rc = f->real->pMethods->xWrite(f->real, f->buf + done, (int)n,
		    f->off + (sqlite3_int64)done);
	}
	f->len = 0;
	f->commit = 0;
	return rc;
}

static int
wal_close(sqlite3_file *file)
{
	struct walfile *f = (struct walfile *)file;
	int rc, rc2;

	rc = wal_flush(f);
	rc2 = f->real->pMethods->xClose(f->real);
	free(f->buf);
	f->buf = NULL;
	return rc != SQLITE_OK ? rc : rc2;
}

static int
wal_read(sqlite3_file *file, void *p, int n, sqlite3_int64 off)
{
	struct walfile *f = (struct walfile *)file;
	int rc;

	if ((rc = wal_flush(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xRead(f->real, p, n, off);
}

static int
wal_write(sqlite3_file *file, const void *p, int n, sqlite3_int64 off)
{
	struct walfile *f = (struct walfile *)file;
	const unsigned char *h = p;
	int rc, commit;

	if (n <= 0)
		return f->real->pMethods->xWrite(f->real, p, n, off);
	/* The page after a commit frame's header ends the transaction. */
	commit = f->commit;
	/* Only what continues the buffer joins it. */
	if (f->len > 0 && (off != f->off + (sqlite3_int64)f->len ||
	    f->len + (size_t)n > WALBUF_SIZE)) {
		if ((rc = wal_flush(f)) != SQLITE_OK)
			return rc;
	}
	if ((size_t)n > WRITE_MAX)
		return f->real->pMethods->xWrite(f->real, p, n, off);
	if (f->len == 0)
		f->off = off;
	memcpy(f->buf + f->len, p, (size_t)n);
	f->len += (size_t)n;
	if (n == 24 && (h[4] | h[5] | h[6] | h[7]) != 0)
		f->commit = 1;
	else if (commit)
		return wal_flush(f);
	return SQLITE_OK;
}

static int
wal_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct walfile *f = (struct walfile *)file;
	int rc;

	if ((rc = wal_flush(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xTruncate(f->real, size);
}

static int
wal_sync(sqlite3_file *file, int flags)
{
	struct walfile *f = (struct walfile *)file;
	int rc;

	if ((rc = wal_flush(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xSync(f->real, flags);
}

static int
wal_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct walfile *f = (struct walfile *)file;
	int rc;

	if ((rc = wal_flush(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xFileSize(f->real, size);
}

static int
wal_lock(sqlite3_file *file, int lock)
{
	struct walfile *f = (struct walfile *)file;

	return f->real->pMethods->xLock(f->real, lock);
}

static int
wal_unlock(sqlite3_file *file, int lock)
{
	struct walfile *f = (struct walfile *)file;

	return f->real->pMethods->xUnlock(f->real, lock);
}

static int
wal_reserved(sqlite3_file *file, int *out)
{
	struct walfile *f = (struct walfile *)file;

	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int
wal_control(sqlite3_file *file, int op, void *arg)
{
	struct walfile *f = (struct walfile *)file;
	int rc;

	if ((rc = wal_flush(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xFileControl(f->real, op, arg);
}

static int
wal_sector(sqlite3_file *file)
{
	struct walfile *f = (struct walfile *)file;

	return f->real->pMethods->xSectorSize(f->real);
}

static int
wal_device(sqlite3_file *file)
{
	struct walfile *f = (struct walfile *)file;

	return f->real->pMethods->xDeviceCharacteristics(f->real);
}

/* Version 1: a WAL file has no shared memory and is not mapped. */
static const sqlite3_io_methods wal_methods = {
	1, wal_close, wal_read, wal_write, wal_truncate, wal_sync, wal_size,
	wal_lock, wal_unlock, wal_reserved, wal_control, wal_sector,
	wal_device, NULL, NULL, NULL, NULL, NULL, NULL
};

static int
vfs_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file,
    int flags, int *outflags)
{
	struct walfile *f = (struct walfile *)file;
	int rc;

	(void)vfs;
	/* Anything but a WAL file is the default VFS's object itself. */
	if (!(flags & SQLITE_OPEN_WAL))
		return real_vfs()->xOpen(real_vfs(), name, file, flags,
		    outflags);
	memset(f, 0, sizeof(*f));
	f->real = (sqlite3_file *)(f + 1);
	rc = real_vfs()->xOpen(real_vfs(), name, f->real, flags, outflags);
	if (rc != SQLITE_OK)
		return rc;
	f->buf = malloc(WALBUF_SIZE);
	if (f->buf == NULL) {
		f->real->pMethods->xClose(f->real);
		return SQLITE_NOMEM;
	}
	f->base.pMethods = &wal_methods;
	return SQLITE_OK;
}

static int
vfs_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs;
	return real_vfs()->xDelete(real_vfs(), name, sync);
}

static int
vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return real_vfs()->xAccess(real_vfs(), name, flags, out);
}

static int
vfs_fullpath(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return real_vfs()->xFullPathname(real_vfs(), name, n, out);
}

static int
vfs_random(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs()->xRandomness(real_vfs(), n, out);
}

static int
vfs_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return real_vfs()->xSleep(real_vfs(), us);
}

static int
vfs_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return real_vfs()->xCurrentTime(real_vfs(), out);
}

static int
vfs_lasterror(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs()->xGetLastError(real_vfs(), n, out);
}

static void *
vfs_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return real_vfs()->xDlOpen(real_vfs(), name);
}

static void
vfs_dlerror(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	real_vfs()->xDlError(real_vfs(), n, out);
}

static void
(*vfs_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	return real_vfs()->xDlSym(real_vfs(), h, sym);
}

static void
vfs_dlclose(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	real_vfs()->xDlClose(real_vfs(), h);
}

static int
vfs_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return real_vfs()->xCurrentTimeInt64(real_vfs(), out);
}

const char *
store_vfs(void)
{
	sqlite3_vfs *real;

	if (sqlite3_vfs_find(VFS_NAME) != NULL)
		return VFS_NAME;
	real = sqlite3_vfs_find(NULL);
	/* A default VFS too old for what is delegated: use it as it is. */
	if (real == NULL || real->iVersion < 2 ||
	    real->xCurrentTimeInt64 == NULL)
		return NULL;
	feedd_vfs.iVersion = 2;
	feedd_vfs.szOsFile = (int)sizeof(struct walfile) + real->szOsFile;
	feedd_vfs.mxPathname = real->mxPathname;
	feedd_vfs.zName = VFS_NAME;
	feedd_vfs.pAppData = real;
	feedd_vfs.xOpen = vfs_open;
	feedd_vfs.xDelete = vfs_delete;
	feedd_vfs.xAccess = vfs_access;
	feedd_vfs.xFullPathname = vfs_fullpath;
	feedd_vfs.xDlOpen = vfs_dlopen;
	feedd_vfs.xDlError = vfs_dlerror;
	feedd_vfs.xDlSym = vfs_dlsym;
	feedd_vfs.xDlClose = vfs_dlclose;
	feedd_vfs.xRandomness = vfs_random;
	feedd_vfs.xSleep = vfs_sleep;
	feedd_vfs.xCurrentTime = vfs_time;
	feedd_vfs.xGetLastError = vfs_lasterror;
	feedd_vfs.xCurrentTimeInt64 = vfs_time64;
	if (sqlite3_vfs_register(&feedd_vfs, 0) != SQLITE_OK)
		return NULL;
	return VFS_NAME;
}
