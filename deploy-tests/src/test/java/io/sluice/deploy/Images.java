package io.sluice.deploy;

/** Image reference helpers. */
final class Images {

  private Images() {}

  /**
   * The repository path of an image reference without registry host, tag or digest: {@code
   * registry.example.com:5000/sluice/gateway:1.0@sha256:..} gives {@code sluice/gateway}.
   */
  static String repository(String image) {
    String name = image;
    int digest = name.indexOf('@');
    if (digest >= 0) {
      name = name.substring(0, digest);
    }
    int lastSlash = name.lastIndexOf('/');
    int tag = name.lastIndexOf(':');
    if (tag > lastSlash) {
      name = name.substring(0, tag);
    }
    String[] parts = name.split("/");
    boolean hasRegistry =
        parts.length > 2
            || (parts.length == 2 && (parts[0].contains(".") || parts[0].contains(":")));
    return hasRegistry ? name.substring(name.indexOf('/') + 1) : name;
  }
}
