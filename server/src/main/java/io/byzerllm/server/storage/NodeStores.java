package io.byzerllm.server.storage;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.storage.ElasticsearchConfig;
import io.byzerllm.storage.ElasticsearchStore;
import io.byzerllm.storage.LuceneStore;
import io.byzerllm.storage.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stores this node holds, open, by name. Every store call runs on the storage executor, never on
 * the caller's (dispatcher) thread. Opening and stopping a store are recorded in the {@link StoreRegistry}
 * so that a restarted node opens its stores again; closing the node closes them (a commit) and keeps the record.
 */
public final class NodeStores implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeStores.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  /**
   * A store this node holds. {@code location}: its directory, or the Elasticsearch URL when {@code es} is set (then
   * {@code baseDir} is null).
   */
  public record Held(String cluster, String location, String baseDir, Store store, boolean ownsEmb, ElasticsearchConfig es) {
    Held withOwnsEmb(boolean owns) {
      return new Held(cluster, location, baseDir, store, owns, es);
    }
  }

  /** The environment variable a restarted node takes an Elasticsearch API key from: keys are never written to disk. */
  public static final String ES_API_KEY_ENV = "LLM_ES_API_KEY";

  private final Path home;
  private final StoreRegistry registry;
  private final Executor io;
  private final Map<String, Held> held = new ConcurrentHashMap<>();

  /**
   * @param home     {@code $LLM_HOME}: stores without a base directory live in {@code home/storage/<cluster>}
   * @param nodeDir  this node's directory, where the registry file lives
   * @param io       the executor of every store call
   */
  public NodeStores(Path home, Path nodeDir, Executor io) {
    this.home = home;
    this.registry = new StoreRegistry(nodeDir.resolve("storage-stores.json"));
    this.io = io;
  }

  /** Opens the stores the registry names; one that fails to open is logged and skipped (it stays recorded). */
  public void reopenRecorded() {
    for (StoreRegistry.Entry e : registry.read()) {
      try {
        Held h = openStore(e.cluster(), e.baseDir(), e.ownsEmb(), recordedEs(e));
        LOG.info("reopened store {} in {}", h.cluster(), h.location());
      } catch (RuntimeException failure) {
        LOG.error("cannot reopen store {} recorded in {}: {}", e.cluster(), registry.file(), failure.getMessage());
      }
    }
  }

  /** The Elasticsearch connection of a recorded store; its API key comes from {@value #ES_API_KEY_ENV}. */
  private static ElasticsearchConfig recordedEs(StoreRegistry.Entry e) {
    if (e.esUrl() == null) {
      return null;
    }
    String key = e.esApiKey() ? System.getenv(ES_API_KEY_ENV) : null;
    if (e.esApiKey() && (key == null || key.isBlank())) {
      throw new LlmException(ErrorKind.AUTHENTICATION, "store '" + e.cluster() + "' on Elasticsearch " + e.esUrl()
          + " needs its API key, which is never written to disk: set " + ES_API_KEY_ENV + " or start it again with --es_api_key");
    }
    return new ElasticsearchConfig(e.esUrl(), key, null, null, null);
  }

  /** Opens an embedded store on this node and records it; CONFLICT when this node holds it already. */
  public CompletionStage<Held> open(String cluster, String baseDir) {
    return open(cluster, baseDir, null);
  }

  /**
   * Opens a store on this node and records it: on Elasticsearch when {@code es} is set, else embedded in
   * {@code baseDir}; CONFLICT when this node holds it already.
   */
  public CompletionStage<Held> open(String cluster, String baseDir, ElasticsearchConfig es) {
    checkName(cluster);
    return CompletableFuture.supplyAsync(() -> {
      synchronized (this) {
        Held existing = held.get(cluster);
        if (existing != null) {
          throw new LlmException(ErrorKind.CONFLICT, "store '" + cluster + "' is already running on this node (data in "
              + existing.location() + ")");
        }
        Held h = openStore(cluster, baseDir, false, es);
        record();
        return h;
      }
    }, io);
  }

  /** Commits, closes and forgets a store (a restarted node will not reopen it); NOT_FOUND when not held here. */
  public CompletionStage<Held> stop(String cluster) {
    return CompletableFuture.supplyAsync(() -> {
      synchronized (this) {
        Held h = require(cluster);
        held.remove(cluster);
        record();
        h.store().close();
        return h;
      }
    }, io);
  }

  /** Records whether storage deployed the {@code emb} model that this store's text is embedded with. */
  public CompletionStage<Held> setOwnsEmb(String cluster, boolean owns) {
    return CompletableFuture.supplyAsync(() -> {
      synchronized (this) {
        Held h = require(cluster).withOwnsEmb(owns);
        held.put(cluster, h);
        record();
        return h;
      }
    }, io);
  }

  /** Runs {@code work} on the store, on the storage executor; NOT_FOUND when this node does not hold it. */
  public <T> CompletionStage<T> call(String cluster, Function<Held, T> work) {
    return CompletableFuture.supplyAsync(() -> work.apply(require(cluster)), io);
  }

  public Optional<Held> held(String cluster) {
    return Optional.ofNullable(held.get(cluster));
  }

  /** The stores held here, by name. */
  public List<Held> all() {
    List<Held> out = new ArrayList<>(held.values());
    out.sort(Comparator.comparing(Held::cluster));
    return out;
  }

  /** The executor store calls run on. */
  public Executor executor() {
    return io;
  }

  /** Commits and closes every store, keeping them recorded: the node is stopping. */
  @Override
  public synchronized void close() {
    for (Held h : all()) {
      try {
        h.store().close();
      } catch (RuntimeException e) {
        LOG.error("closing store {} failed: {}", h.cluster(), e.getMessage());
      }
    }
    held.clear();
  }

  private Held openStore(String cluster, String baseDir, boolean ownsEmb, ElasticsearchConfig es) {
    if (es != null) {
      Held h = new Held(cluster, es.url(), null, ElasticsearchStore.connect(cluster, es), ownsEmb, es);
      held.put(cluster, h);
      return h;
    }
    Path root = baseDir == null || baseDir.isBlank() ? home : Path.of(baseDir);
    Path dir = root.resolve("storage").resolve(cluster).toAbsolutePath();
    Held h = new Held(cluster, dir.toString(), baseDir == null || baseDir.isBlank() ? null : baseDir,
        LuceneStore.open(cluster, dir), ownsEmb, null);
    held.put(cluster, h);
    return h;
  }

  private Held require(String cluster) {
    Held h = held.get(cluster);
    if (h == null) {
      throw notRunning(cluster);
    }
    return h;
  }

  static LlmException notRunning(String cluster) {
    return new LlmException(ErrorKind.NOT_FOUND, "store '" + cluster + "' is not running; start it with "
        + "`llm storage start --cluster " + cluster + "`");
  }

  private void record() {
    registry.write(all().stream().map(h -> new StoreRegistry.Entry(h.cluster(), h.baseDir(), h.ownsEmb(),
        h.es() == null ? null : h.es().url(), h.es() != null && h.es().apiKey() != null)).toList());
  }

  static void checkName(String cluster) {
    if (cluster == null || !NAME.matcher(cluster).matches()) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "store name '" + cluster + "' is not allowed; use 1-128 "
          + "letters, digits, '_', '-' or '.', not starting with '-' or '.'");
    }
  }
}
