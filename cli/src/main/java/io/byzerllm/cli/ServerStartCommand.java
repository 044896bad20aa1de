package io.byzerllm.cli;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.server.Node;
import io.byzerllm.server.NodeSettings;
import java.io.PrintWriter;
import java.net.BindException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code llm server start}: a node in the foreground until Ctrl-C / SIGTERM (which leave the cluster
 * gracefully), or with {@code --daemon} in a background JVM.
 */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Start a node; the first one is the head of a new cluster, "
    + "others --join it.")
final class ServerStartCommand implements Callable<Integer> {
  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + NodeSettings.DEFAULT_HTTP_PORT,
      description = "HTTP port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = {"--cluster_port", "--cluster-port"}, paramLabel = "PORT", defaultValue = "" + NodeSettings.DEFAULT_CLUSTER_PORT,
      description = "Cluster port, what --join takes (default ${DEFAULT-VALUE}).")
  int clusterPort;

  @Option(names = "--join", paramLabel = "HOST:PORT", description = "A seed node's cluster address; repeatable.")
  List<String> join;

  @Option(names = {"--num_cpus", "--num-cpus"}, paramLabel = "N", description = "CPUs this node offers (default: its cores).")
  Double numCpus;

  @Option(names = {"--num_gpus", "--num-gpus"}, paramLabel = "N", defaultValue = "0", description = "GPUs this node offers (default 0).")
  double numGpus;

  @Option(names = {"--api_key", "--api-key"}, paramLabel = "KEY",
      description = "Require this bearer key on /v1 and /api (env LLM_API_KEY).")
  String apiKey;

  @Option(names = "--daemon", description = "Run the node in the background; its log goes to "
      + "$LLM_HOME/nodes/<host>_<port>/node.log.")
  boolean daemon;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    CliEnv env = CliEnv.of(spec);
    NodeOptions options = new NodeOptions(host, port, clusterPort, join, numCpus, numGpus,
        apiKey != null ? apiKey : env.get("LLM_API_KEY"));
    PrintWriter out = spec.commandLine().getOut();
    if (daemon) {
      BackgroundNode.Started s = BackgroundNode.start(options, env);
      out.println("node started in the background: " + s.url() + ", pid " + s.pid() + ", log " + s.log());
      out.flush();
      return 0;
    }
    Node node = start(options.settings(env.home()));
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "llm-node-shutdown"));
    out.println("node up: " + node.httpUrl() + " cluster " + node.clusterAddress());
    out.flush();
    node.whenTerminated().toCompletableFuture().join();
    return 0;
  }

  private Node start(NodeSettings settings) {
    try {
      return Node.start(settings);
    } catch (RuntimeException e) {
      if (portTaken(e)) {
        throw new LlmException(ErrorKind.CONFLICT, "a port of this node is already in use (--port " + port
            + ", --cluster_port " + clusterPort + "): " + e.getMessage() + ". Stop what uses it (`llm server stop`)"
            + " or choose other ports", e);
      }
      throw e;
    }
  }

  private static boolean portTaken(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }
}
