package io.byzerllm.storage.internal;

import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.index.MultiBits;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import io.byzerllm.storage.RowPage;
import io.byzerllm.storage.FieldSpec;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.storage.Filter;
import io.byzerllm.storage.SearchQuery;
import io.byzerllm.storage.TableRef;
import io.byzerllm.storage.TableSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;

/**
 * One table: the only {@link IndexWriter} of its directory and the {@link SearcherManager} readers acquire from.
 * Writes are searchable after the next scheduled {@link #refresh()} and durable after {@link #commit()}. A read-write
 * lock lets any number of operations run together and makes {@link #close}/{@link #closeAndDelete} wait for them,
 * so no operation ever sees a closed writer; after closing, operations fail with NOT_FOUND.
 */
public final class LuceneTable {
  private static final String COMMITTED_AT = "committed_at";
  /** A larger buffer means fewer, larger segments: faster ingest and fewer HNSW graphs to search per query. */
  private static final double RAM_BUFFER_MB = 128;

  /**
   * Lucene's HNSW defaults (16 neighbours, beam 100 while building). A beam of 32 built about 1.5x faster in a 10k
   * trial with the same recall on synthetic vectors, but graph quality on real embeddings is what the beam buys, so it
   * stays at the default; the codec is spelled out to make the choice visible.
   */
  static final int HNSW_MAX_CONN = 16;
  static final int HNSW_BEAM_WIDTH = 100;
  private static final Codec VECTOR_CODEC = new Lucene912Codec() {
    @Override
    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
      return new Lucene99HnswVectorsFormat(HNSW_MAX_CONN, HNSW_BEAM_WIDTH);
    }
  };

  private final TableRef ref;
  private final TableSchema schema;
  private final Path dir;
  private final FSDirectory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final RowDocuments documents;
  private final TableSearch search;
  private final Map<String, Integer> dimensions = new ConcurrentHashMap<>();
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final Object commitLock = new Object();
  private volatile boolean closed;
  private volatile Instant lastCommit;

  private LuceneTable(TableRef ref, TableSchema schema, Path dir, FSDirectory directory, IndexWriter writer,
                      SearcherManager searchers, Analyzer analyzer) throws IOException {
    this.ref = ref;
    this.schema = schema;
    this.dir = dir;
    this.directory = directory;
    this.writer = writer;
    this.searchers = searchers;
    this.documents = new RowDocuments(schema);
    this.search = new TableSearch(schema, analyzer);
    IndexSearcher s = searchers.acquire();
    try {
      for (FieldInfo fi : FieldInfos.getMergedFieldInfos(s.getIndexReader())) {
        if (fi.getVectorDimension() > 0) {
          dimensions.put(fi.name, fi.getVectorDimension());
        }
      }
    } finally {
      searchers.release(s);
    }
    for (Map.Entry<String, String> e : writer.getLiveCommitData()) {
      if (e.getKey().equals(COMMITTED_AT)) {
        lastCommit = Instant.ofEpochMilli(Long.parseLong(e.getValue()));
      }
    }
  }

  /** Opens (or creates) the index in {@code dir}; CONFLICT when another process holds it. */
  public static LuceneTable open(TableRef ref, TableSchema schema, Path dir, Analyzer analyzer) {
    FSDirectory directory = null;
    IndexWriter writer = null;
    try {
      Files.createDirectories(dir);
      directory = FSDirectory.open(dir);
      var config = new IndexWriterConfig(analyzer)
          .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
          .setRAMBufferSizeMB(RAM_BUFFER_MB)
          .setCommitOnClose(false)
          .setCodec(VECTOR_CODEC);
      writer = new IndexWriter(directory, config);
      return new LuceneTable(ref, schema, dir, directory, writer, new SearcherManager(writer, null), analyzer);
    } catch (LockObtainFailedException e) {
      closeQuietly(writer, directory);
      throw new LlmException(ErrorKind.CONFLICT, "table " + ref + " in " + dir
          + " is open in another process (its write.lock is held); stop that store first", e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(writer, directory);
      throw new LlmException(ErrorKind.INTERNAL, "cannot open table " + ref + " in " + dir + ": " + e.getMessage(), e);
    }
  }

  public TableSchema schema() {
    return schema;
  }

  public int write(List<Map<String, Object>> rows) {
    return guarded("write", () -> {
      var batchDimensions = new java.util.HashMap<>(dimensions);
      List<RowDocuments.Keyed> docs = documents.toDocuments(rows, batchDimensions);
      if (!batchDimensions.equals(dimensions)) {
        learnDimensions(batchDimensions);
      }
      for (RowDocuments.Keyed d : docs) {
        writer.updateDocument(d.key(), d.document());
      }
      return docs.size();
    });
  }

  /** The first vectors of a field fix its dimension; two first batches racing must agree. */
  private synchronized void learnDimensions(Map<String, Integer> batch) {
    for (Map.Entry<String, Integer> e : batch.entrySet()) {
      Integer known = dimensions.putIfAbsent(e.getKey(), e.getValue());
      if (known != null && !known.equals(e.getValue())) {
        throw new LlmException(ErrorKind.INVALID_REQUEST, "field '" + e.getKey() + "': the batch's vectors have "
            + e.getValue() + " dimensions, the field has " + known + "; embed with the same model");
      }
    }
  }

  public void commit() {
    guarded("commit", () -> {
      commitNow();
      return null;
    });
  }

  private void commitNow() throws IOException {
    synchronized (commitLock) {
      if (writer.hasUncommittedChanges()) {
        Instant now = Instant.now();
        writer.setLiveCommitData(Map.of(COMMITTED_AT, Long.toString(now.toEpochMilli())).entrySet());
        writer.commit();
        lastCommit = now;
      }
    }
    searchers.maybeRefreshBlocking();
  }

  /** Called on the store's refresh schedule: makes recent writes searchable. Never blocks on another refresh. */
  public void refresh() throws IOException {
    if (!lifecycle.readLock().tryLock()) {
      return;
    }
    try {
      if (!closed) {
        searchers.maybeRefresh();
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  public List<Map<String, Object>> search(SearchQuery q) {
    return guarded("search", () -> {
      IndexSearcher s = searchers.acquire();
      try {
        return search.run(s, q, dimensions);
      } finally {
        searchers.release(s);
      }
    });
  }

  /**
   * Rows in the order of their key terms (the id as text), after {@code after}: walks the key field's terms on one
   * snapshot and reads each key's live document, so a page costs its own rows, not a sort of the table.
   */
  public RowPage export(String after, int limit) {
    if (limit < 1) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "limit must be at least 1, got " + limit);
    }
    List<String> fields = schema.fields().stream().map(FieldSpec::name).toList();
    return guarded("export", () -> {
      IndexSearcher s = searchers.acquire();
      try {
        IndexReader reader = s.getIndexReader();
        Terms terms = MultiTerms.getTerms(reader, RowDocuments.KEY);
        var out = new ArrayList<Map<String, Object>>();
        if (terms == null) {
          return new RowPage(out, null);
        }
        TermsEnum te = terms.iterator();
        BytesRef term;
        if (after == null) {
          term = te.next();
        } else {
          TermsEnum.SeekStatus st = te.seekCeil(new BytesRef(after));
          term = st == TermsEnum.SeekStatus.END ? null : st == TermsEnum.SeekStatus.FOUND ? te.next() : te.term();
        }
        Bits live = MultiBits.getLiveDocs(reader);
        StoredFields stored = s.storedFields();
        StoredRows rows = new StoredRows(schema);
        String last = null;
        PostingsEnum postings = null;
        while (term != null && out.size() < limit) {
          postings = te.postings(postings, PostingsEnum.NONE);
          for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
            if (live == null || live.get(doc)) {
              out.add(rows.read(s, stored, doc, fields));
              break;
            }
          }
          last = term.utf8ToString();
          term = te.next();
        }
        return new RowPage(out, term == null ? null : last);
      } finally {
        searchers.release(s);
      }
    });
  }

  public long deleteByFilter(Filter filter) {
    if (filter == null) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "delete needs a filter; use truncate to delete every row");
    }
    return guarded("delete", () -> deleteAndCommit(search.filters().toQuery(filter)));
  }

  public long deleteByIds(List<Object> ids) {
    if (ids == null || ids.isEmpty()) {
      return 0;
    }
    var keys = new ArrayList<BytesRef>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      Term key = documents.keyOf(ids.get(i), "ids[" + i + "]");
      keys.add(key.bytes());
    }
    return guarded("delete", () -> deleteAndCommit(new TermInSetQuery(RowDocuments.KEY, keys)));
  }

  /** Counts on a fresh snapshot, so the count is what was visible when the delete ran. */
  private long deleteAndCommit(Query query) throws IOException {
    searchers.maybeRefreshBlocking();
    IndexSearcher s = searchers.acquire();
    long count;
    try {
      count = s.count(query);
    } finally {
      searchers.release(s);
    }
    writer.deleteDocuments(query);
    commitNow();
    return count;
  }

  public void truncate() {
    lifecycle.writeLock().lock();
    try {
      ensureOpen();
      writer.deleteAll();
      dimensions.clear();
      commitNow();
    } catch (IOException e) {
      throw failure("truncate", e);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  public long documents() {
    return guarded("count", () -> {
      IndexSearcher s = searchers.acquire();
      try {
        return (long) s.getIndexReader().numDocs();
      } finally {
        searchers.release(s);
      }
    });
  }

  /** Bytes of the index files now; files a merge removes meanwhile are skipped. */
  public long bytesOnDisk() {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (NoSuchFileException e) {
          return 0;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }

  public Instant lastCommit() {
    return lastCommit;
  }

  /** Commits and closes: what a graceful stop does. */
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      try {
        commitNow();
      } finally {
        closed = true;
        closeAll();
      }
    } catch (IOException e) {
      throw failure("close", e);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  /** Closes without committing and removes the table's files: what drop does. */
  public void closeAndDelete() {
    lifecycle.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        writer.rollback();
        closeAll();
      }
      deleteRecursively(dir);
    } catch (IOException e) {
      throw failure("drop", e);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  /** Removes a directory tree; nothing when it does not exist. */
  public static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private void closeAll() throws IOException {
    try {
      searchers.close();
    } finally {
      closeQuietly(writer, directory);
    }
  }

  private static void closeQuietly(IndexWriter writer, FSDirectory directory) {
    try {
      if (writer != null && writer.isOpen()) {
        writer.close();
      }
    } catch (IOException | RuntimeException ignored) {
      // already failing or closing; the index stays as of its last commit
    }
    try {
      if (directory != null) {
        directory.close();
      }
    } catch (IOException ignored) {
      // nothing left to release
    }
  }

  private interface IoAction<T> {
    T run() throws IOException;
  }

  private <T> T guarded(String what, IoAction<T> action) {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      return action.run();
    } catch (AlreadyClosedException e) {
      throw new LlmException(ErrorKind.INTERNAL, "table " + ref + ": " + what + " failed, the index was closed after an error: "
          + e.getMessage() + "; restart the store", e);
    } catch (IOException e) {
      throw failure(what, e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new LlmException(ErrorKind.NOT_FOUND, "table " + ref + " was dropped or its store closed");
    }
  }

  private LlmException failure(String what, IOException e) {
    return new LlmException(ErrorKind.INTERNAL, "table " + ref + ": " + what + " failed: " + e.getMessage(), e);
  }
}
