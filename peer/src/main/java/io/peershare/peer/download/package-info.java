/**
 * The downloader: fetches a content from several providers at once, piece by piece, verifies each
 * piece against the manifest before it touches the target folder, and resumes from a {@code .part}
 * file after a crash or an interrupt.
 *
 * <p>Entry point: {@link io.peershare.peer.download.Downloader}. On disk, next to the target file
 * {@code dir/<content>}, a download keeps {@code dir/.<content>.part} (the bytes, at their offsets)
 * and {@code dir/.<content>.part.state} (which pieces are verified; see {@code PartState}).
 */
package io.peershare.peer.download;
