package io.byzerllm.cli;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.LlmClientException;
import io.byzerllm.client.StorageStores;
import io.byzerllm.client.StoreInfo;
import io.byzerllm.deploy.ErrorKind;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code llm storage start}: opens the store on the node (starting a local node first when none runs),
 * and with {@code --enable_emb} deploys {@code emb}. A store already running is not an error: it says
 * so and exits 0, so scripts may run it every time.
 */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Open a store on the node (and deploy emb).")
final class StorageStartCommand implements Callable<Integer> {
  @Mixin
  ClusterOptions cluster;

  @Mixin
  StoreOptions store;

  @Option(names = {"--base_dir", "--base-dir"}, paramLabel = "DIR",
      description = "Keep the data in DIR/storage/<cluster> (default: the node's $LLM_HOME).")
  String baseDir;

  @Option(names = "--backend", paramLabel = "NAME", defaultValue = "lucene",
      description = "Where the data lives: lucene (embedded on the node, the default) or elasticsearch (--es_url).")
  String backend;

  @Option(names = {"--es_url", "--es-url"}, paramLabel = "URL", description = "With --backend elasticsearch: the cluster, e.g. http://host:9200.")
  String esUrl;

  @Option(names = {"--es_api_key", "--es-api-key"}, paramLabel = "KEY", defaultValue = "${env:LLM_ES_API_KEY}",
      description = "With --backend elasticsearch: an API key (default: $LLM_ES_API_KEY, which keeps it out of `ps`).")
  String esApiKey;

  @Option(names = {"--enable_emb", "--enable-emb"}, description = "Also deploy the bundled BGE as 'emb' unless a model 'emb' is deployed.")
  boolean enableEmb;

  @Option(names = {"--emb_model_path", "--emb-model-path"}, paramLabel = "DIR",
      description = "With --enable_emb: the BGE model directory to deploy instead of the bundled one.")
  String embModelPath;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    if (embModelPath != null && !enableEmb) {
      throw new IllegalArgumentException("--emb_model_path needs --enable_emb");
    }
    boolean onEs = switch (backend) {
      case "lucene", "embedded" -> false;
      case "elasticsearch" -> true;
      default -> throw new IllegalArgumentException("--backend " + backend + " is unknown; use lucene or elasticsearch");
    };
    if (onEs && (esUrl == null || esUrl.isBlank())) {
      throw new IllegalArgumentException("--backend elasticsearch needs --es_url, e.g. http://127.0.0.1:9200");
    }
    if (!onEs && esUrl != null) {
      throw new IllegalArgumentException("--es_url needs --backend elasticsearch");
    }
    if (onEs && baseDir != null) {
      throw new IllegalArgumentException("--base_dir is for the embedded store; on Elasticsearch the data lives in the cluster");
    }
    ByzerLLM llm = cluster.connect();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    StorageStores stores = StorageStores.of(llm);
    try {
      StoreInfo s = onEs ? stores.startOnElasticsearch(store.cluster, esUrl, esApiKey == null || esApiKey.isBlank() ? null : esApiKey)
          : stores.start(store.cluster, baseDir);
      out.println("storage " + s.cluster() + " started on " + s.node() + " (data in " + s.directory() + ")");
    } catch (LlmClientException e) {
      if (e.kind() != ErrorKind.CONFLICT) {
        throw e;
      }
      StoreInfo s = stores.status(store.cluster);
      out.println("storage " + s.cluster() + " is already running on " + s.node() + " (data in " + s.directory() + ")");
    }
    out.flush();
    if (enableEmb) {
      StorageEmb.start(llm, store.cluster, embModelPath, out, err);
    }
    out.flush();
    return 0;
  }
}
