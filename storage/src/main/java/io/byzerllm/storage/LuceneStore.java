package io.byzerllm.storage;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.storage.internal.Catalog;
import io.byzerllm.storage.internal.LuceneTable;
import io.byzerllm.storage.internal.TextAnalysis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.Lock;
import org.apache.lucene.store.LockObtainFailedException;

/**
 * A {@link Store} on Apache Lucene in one directory: {@code catalog.json} (tables and schemas), {@code store.lock}
 * (held while open, by this process only) and one index per table under {@code tables/<database>/<table>}.
 *
 * <p>Threads: caller operations run on the caller's thread (the node runs them on its own named executor);
 * this store adds one daemon thread, {@code byzer-storage-<cluster>-refresh}, that makes writes searchable every
 * {@link #REFRESH_INTERVAL}; Lucene merges on its own merge threads.
 */
public final class LuceneStore implements Store {
  /** Writes become searchable within this (plus a refresh's own time), well inside the promised second. */
  public static final Duration REFRESH_INTERVAL = Duration.ofMillis(200);
  private static final String LOCK = "store.lock";

  private final String cluster;
  private final Path dir;
  private final FSDirectory lockDirectory;
  private final Lock lock;
  private final Analyzer analyzer = TextAnalysis.analyzer();
  private final Map<TableRef, TableSchema> catalog; // guarded by this
  private final Map<TableRef, LuceneTable> tables = new ConcurrentHashMap<>();
  private final ScheduledExecutorService refresher;
  private volatile boolean closed;

  private LuceneStore(String cluster, Path dir, FSDirectory lockDirectory, Lock lock) {
    this.cluster = cluster;
    this.dir = dir;
    this.lockDirectory = lockDirectory;
    this.lock = lock;
    this.catalog = Catalog.read(dir);
    this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "byzer-storage-" + cluster + "-refresh");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Opens the store in {@code dir} (created if missing) and every table in its catalog. CONFLICT when another
   * process (or another open store in this one) holds the directory.
   */
  public static LuceneStore open(String cluster, Path dir) {
    if (cluster == null || cluster.isBlank()) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "a store needs a cluster name, e.g. byzerai_store");
    }
    Path abs = dir.toAbsolutePath().normalize();
    FSDirectory lockDirectory = null;
    try {
      Files.createDirectories(abs);
      lockDirectory = FSDirectory.open(abs);
      Lock lock = lockDirectory.obtainLock(LOCK);
      LuceneStore store;
      try {
        store = new LuceneStore(cluster, abs, lockDirectory, lock);
      } catch (RuntimeException e) {
        lock.close();
        throw e;
      }
      store.openTables();
      return store;
    } catch (LockObtainFailedException e) {
      closeQuietly(lockDirectory);
      throw new LlmException(ErrorKind.CONFLICT, "storage directory " + abs
          + " is in use by another store (" + abs.resolve(LOCK) + " is locked); stop that store or choose another --base_dir", e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(lockDirectory);
      if (e instanceof LlmException l) {
        throw l;
      }
      throw new LlmException(ErrorKind.INTERNAL, "cannot open storage directory " + abs + ": " + e.getMessage(), e);
    }
  }

  private void openTables() throws IOException {
    try {
      removeOrphans();
      for (Map.Entry<TableRef, TableSchema> e : catalog.entrySet()) {
        tables.put(e.getKey(), LuceneTable.open(e.getKey(), e.getValue(), tableDir(e.getKey()), analyzer));
      }
    } catch (IOException | RuntimeException e) {
      close(); // releases what opened, and the lock
      throw e;
    }
    long millis = REFRESH_INTERVAL.toMillis();
    refresher.scheduleWithFixedDelay(this::refreshAll, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Table directories the catalog no longer names: a drop that crashed after the catalog changed. */
  private void removeOrphans() throws IOException {
    Path root = dir.resolve("tables");
    if (!Files.isDirectory(root)) {
      return;
    }
    var keep = new HashSet<Path>();
    catalog.keySet().forEach(t -> keep.add(tableDir(t)));
    try (Stream<Path> dbs = Files.list(root)) {
      for (Path db : dbs.toList()) {
        try (Stream<Path> ts = Files.list(db)) {
          for (Path t : ts.toList()) {
            if (!keep.contains(t)) {
              LuceneTable.deleteRecursively(t);
            }
          }
        }
      }
    }
  }

  private void refreshAll() {
    for (LuceneTable t : tables.values()) {
      try {
        t.refresh();
      } catch (IOException | RuntimeException e) {
        // a failing table reports its error to the next caller; the others keep refreshing
      }
    }
  }

  private Path tableDir(TableRef t) {
    return dir.resolve("tables").resolve(t.database()).resolve(t.table());
  }

  @Override
  public synchronized boolean createTable(TableRef t, TableSchema schema) {
    ensureOpen();
    TableSchema existing = catalog.get(t);
    if (existing != null) {
      if (new HashSet<>(existing.fields()).equals(new HashSet<>(schema.fields()))) {
        return false;
      }
      throw new LlmException(ErrorKind.CONFLICT, "table " + t + " exists with a different schema: "
          + describe(existing) + "; requested " + describe(schema) + "; drop the table first or use its schema");
    }
    try {
      LuceneTable.deleteRecursively(tableDir(t)); // leftovers of a drop that did not finish
    } catch (IOException e) {
      throw new LlmException(ErrorKind.INTERNAL, "cannot clear " + tableDir(t) + " for table " + t + ": " + e.getMessage(), e);
    }
    LuceneTable table = LuceneTable.open(t, schema, tableDir(t), analyzer);
    var next = new LinkedHashMap<>(catalog);
    next.put(t, schema);
    try {
      Catalog.write(dir, next);
    } catch (RuntimeException e) {
      table.closeAndDelete();
      throw e;
    }
    catalog.put(t, schema);
    tables.put(t, table);
    return true;
  }

  /** A schema in one line, e.g. "(_id string, content string [analyze])": for CONFLICT messages. */
  static String describe(TableSchema s) {
    var parts = new ArrayList<String>();
    for (FieldSpec f : s.fields()) {
      parts.add(f.name() + " " + f.type().jsonName() + (f.isVector() ? "[]" : "")
          + (f.options().isEmpty() ? "" : " " + f.options().stream().map(FieldOption::jsonName).sorted().toList()));
    }
    return "(" + String.join(", ", parts) + ")";
  }

  @Override
  public synchronized Optional<TableSchema> schema(TableRef t) {
    return Optional.ofNullable(catalog.get(t));
  }

  @Override
  public int write(TableRef t, List<Map<String, Object>> rows) {
    return table(t).write(rows);
  }

  @Override
  public void commit(TableRef t) {
    table(t).commit();
  }

  @Override
  public void commitAll() {
    ensureOpen();
    tables.values().forEach(LuceneTable::commit);
  }

  @Override
  public List<Map<String, Object>> search(TableRef t, SearchQuery q) {
    return table(t).search(q);
  }

  @Override
  public RowPage export(TableRef t, String after, int limit) {
    return table(t).export(after, limit);
  }

  @Override
  public long deleteByFilter(TableRef t, Filter filter) {
    return table(t).deleteByFilter(filter);
  }

  @Override
  public long deleteByIds(TableRef t, List<Object> ids) {
    return table(t).deleteByIds(ids);
  }

  @Override
  public void truncate(TableRef t) {
    table(t).truncate();
  }

  @Override
  public synchronized boolean drop(TableRef t) {
    ensureOpen();
    if (!catalog.containsKey(t)) {
      return false;
    }
    var next = new LinkedHashMap<>(catalog);
    next.remove(t);
    Catalog.write(dir, next); // first: a crash from here on leaves an orphan directory, removed at the next open
    catalog.remove(t);
    LuceneTable table = tables.remove(t);
    if (table != null) {
      table.closeAndDelete();
    }
    return true;
  }

  @Override
  public StoreStatus status() {
    ensureOpen();
    var statuses = new ArrayList<TableStatus>();
    long docs = 0;
    long bytes = 0;
    Instant last = null;
    for (Map.Entry<TableRef, LuceneTable> e : tables.entrySet()) {
      LuceneTable t = e.getValue();
      long d;
      try {
        d = t.documents();
      } catch (LlmException dropped) {
        continue; // dropped meanwhile
      }
      long b = t.bytesOnDisk();
      statuses.add(new TableStatus(e.getKey(), d, b));
      docs += d;
      bytes += b;
      if (t.lastCommit() != null && (last == null || t.lastCommit().isAfter(last))) {
        last = t.lastCommit();
      }
    }
    statuses.sort((a, b) -> a.table().toString().compareTo(b.table().toString()));
    return new StoreStatus(cluster, "lucene", dir.toString(), statuses, docs, bytes, last);
  }

  public String cluster() {
    return cluster;
  }

  public Path directory() {
    return dir;
  }

  /** Commits every table, closes them and releases the directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    refresher.shutdownNow();
    RuntimeException first = null;
    for (LuceneTable t : tables.values()) {
      try {
        t.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    tables.clear();
    try {
      refresher.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      lock.close();
    } catch (IOException e) {
      first = first == null ? new LlmException(ErrorKind.INTERNAL, "cannot release " + dir.resolve(LOCK), e) : first;
    }
    closeQuietly(lockDirectory);
    if (first != null) {
      throw first;
    }
  }

  private LuceneTable table(TableRef t) {
    ensureOpen();
    LuceneTable table = tables.get(t);
    if (table == null) {
      throw new LlmException(ErrorKind.NOT_FOUND, "table " + t + " does not exist in store '" + cluster
          + "'; create it with a schema first");
    }
    return table;
  }

  private void ensureOpen() {
    if (closed) {
      throw new LlmException(ErrorKind.UNAVAILABLE, "store '" + cluster + "' is closed");
    }
  }

  private static void closeQuietly(FSDirectory d) {
    if (d != null) {
      try {
        d.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
  }
}
