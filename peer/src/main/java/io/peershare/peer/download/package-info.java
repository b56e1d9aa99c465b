/**
 * The downloader: fetches a content from several providers at once, piece by piece, verifies each
 * piece against the manifest before it touches the target folder, and resumes from a {@code .part}
 * file after a crash or an interrupt.
 *
 * <p>Entry point: {@link io.peershare.peer.download.Downloader}, which checks the folder and asks
 * the index, then runs one {@code DownloadSession}: the session owns the download's threads, its
 * connections and their stall watch ({@code Connections}), and its one failure. Inside it, {@code
 * ProviderPool} says which provider to try next, {@code PieceBoard} which pieces each worker
 * fetches, {@code RangeFetcher} reads a run of pieces over one {@code ProviderConnection}, {@code
 * PieceVerifier} hashes them and the session writes those that match to the {@code PartFile};
 * {@code StateJournal} keeps the resume record. {@link io.peershare.peer.download.ProgressListener}
 * hears how it goes.
 *
 * <p>On disk, next to the target file {@code dir/<content>}, a download keeps {@code
 * dir/.<content>.part} (the bytes, at their offsets) and {@code dir/.<content>.part.state} (which
 * pieces are verified; see {@code PartState}).
 */
package io.peershare.peer.download;
