package io.byzerllm.server.keys;

/** Who sent a request, as its bearer key says. */
public sealed interface Caller {
  /** Whether the caller may deploy, undeploy, manage the cluster and keys, and write storage. */
  boolean admin();

  /** The key id an access log may show, never the key; null for the bootstrap key and open nodes. */
  String keyId();

  /** A node without {@code --api_key}: everything is allowed, nothing is limited. */
  record Open() implements Caller {
    public boolean admin() {
      return true;
    }

    public String keyId() {
      return null;
    }
  }

  /** The node's {@code --api_key}: admin, unlimited. */
  record Bootstrap() implements Caller {
    public boolean admin() {
      return true;
    }

    public String keyId() {
      return "bootstrap";
    }
  }

  /** An issued key. */
  record Keyed(ApiKey key) implements Caller {
    public boolean admin() {
      return key.role() == KeyRole.ADMIN;
    }

    public String keyId() {
      return key.id();
    }
  }

  Caller OPEN = new Open();
  Caller BOOTSTRAP = new Bootstrap();
}
