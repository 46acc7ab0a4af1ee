// Package remote copies backups offsite — to an SFTP server, a network
// folder, an S3-compatible object storage or a WebDAV folder — under a
// temporary name, reads back what arrived to check its size and SHA-256,
// renames it, and keeps the last N copies of each dossier there.
//
// # Resuming an interrupted upload
//
// An upload cut off — the server killed or stalled mid-upload, the line
// gone, Coffre itself stopped — is resumed by the next attempt (the next
// run of the service) instead of starting again from zero, and still never
// carries its final name before it is complete and verified:
//
//   - The temporary name is ".NAME.coffre-tmp-" followed by the first 16
//     hexadecimal digits of the source's SHA-256: it says which content the
//     partial upload is of, in place of a sidecar file that would have to
//     be kept in step with it. A temporary upload of the same NAME from
//     other content (a source that changed) is discarded, never resumed.
//   - SFTP and network folder: the partial file is kept when an upload
//     fails (it is removed only when the read-back found it damaged). Each
//     write is one chunk of 1 MiB at a multiple of 1 MiB; SFTP sends a
//     chunk as concurrent packets, so the end of an interrupted chunk may
//     have holes. The next attempt therefore resumes at the start of the
//     partial's last chunk, once the chunk before it reads back the same as
//     the source's (the cheap check that this partial is this upload), cuts
//     the file there and appends the rest.
//   - S3: files larger than one part (16 MiB) go up as a multipart upload
//     Coffre drives itself (minio-go's Core API), each part with its MD5.
//     The next attempt finds the upload of the temporary key
//     (ListMultipartUploads), lists its parts (ListObjectParts), keeps the
//     leading full parts whose ETag is the MD5 of the same bytes of the
//     source, sends only the parts after, then completes it. A temporary
//     object completed but never verified is read back rather than sent
//     again. Uploads of the same name from other content are aborted.
//   - WebDAV: there is no standard partial PUT (gowebdav and most servers,
//     Nextcloud's chunking aside, offer none), so an interrupted upload
//     starts again from zero, under a fresh temporary name (the server may
//     still hold the lock of the upload cut off a moment ago: 423 Locked);
//     what the cut-off upload left is removed after the copy.
//
// The read-back after the upload compares every byte (size and SHA-256)
// whatever was resumed; a damaged copy is removed and sent again whole.
// CopyResult.Resumed says where an upload resumed and CopyResult.Sent how
// many bytes were sent; the service records the first as a fact of the run
// (« envoi interrompu repris à … ») that the mail shows. What an
// interrupted upload left and no later run resumed is removed by SweepTemp
// once it is old (the service: three days).
package remote
