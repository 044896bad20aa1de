package io.byzerllm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * A local upstream on {@code 127.0.0.1} that speaks the Azure AI Speech text-to-speech REST API as
 * documented: {@code POST /cognitiveservices/v1} with {@code Ocp-Apim-Subscription-Key},
 * {@code Content-Type: application/ssml+xml}, {@code X-Microsoft-OutputFormat} and an SSML body
 * ({@code <speak xml:lang><voice name>text</voice></speak>}), answering the audio bytes. A wrong key is
 * the Cognitive Services gateway's 401 ({@code {"error":{"code":"401","message":...}}}); bad SSML, an
 * unknown format or voice is a 400 with an empty body, as the service answers them.
 *
 * <p>The SSML is read with a real XML parser, so text that was not escaped fails as it would upstream.
 * The "audio" is {@code FAKEAUDIO:<voice>:<xml:lang>:<rate or 1>:<text>}.
 */
public final class FakeAzureSpeechServer extends FakeUpstream<FakeAzureSpeechServer> {
  private static final Map<String, String> FORMATS = Map.of(
      "audio-24khz-48kbitrate-mono-mp3", "audio/mpeg",
      "audio-16khz-32kbitrate-mono-mp3", "audio/mpeg",
      "riff-24khz-16bit-mono-pcm", "audio/wav",
      "raw-24khz-16bit-mono-pcm", "audio/pcm",
      "ogg-24khz-16bit-mono-opus", "audio/ogg",
      "webm-24khz-16bit-mono-opus", "audio/webm");

  private FakeAzureSpeechServer() {
    super("fake-azure-speech");
  }

  public static FakeAzureSpeechServer start() {
    return new FakeAzureSpeechServer();
  }

  /** {@code http://127.0.0.1:PORT}, what {@code saas.base_url} should be (it replaces the region's URL). */
  @Override
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** The audio bytes the fake answers. */
  public static byte[] audioFor(String voice, String language, String rate, String text) {
    return ("FAKEAUDIO:" + voice + ":" + language + ":" + rate + ":" + text).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  boolean isChat(FakeExchange ex) {
    return false;
  }

  @Override
  boolean authorized(FakeExchange ex) throws IOException {
    String key = requiredApiKey();
    if (key == null || key.equals(ex.header("Ocp-Apim-Subscription-Key"))) {
      return true;
    }
    ex.sendJson(401, errorBody(401, "Access denied due to invalid subscription key or wrong API endpoint. Make sure "
        + "to provide a valid key for an active subscription and use a correct regional API endpoint for your "
        + "resource."), Map.of());
    return false;
  }

  @Override
  JsonNode errorBody(int status, String message) {
    ObjectNode root = FakeExchange.JSON.createObjectNode();
    root.putObject("error").put("code", String.valueOf(status)).put("message", message);
    return root;
  }

  @Override
  void route(FakeExchange ex, Script script) throws IOException {
    if (!ex.path().equals("/cognitiveservices/v1")) {
      ex.sendBytes(404, "text/plain", new byte[0]);
      return;
    }
    String type = ex.header("Content-Type");
    String audioType = FORMATS.get(String.valueOf(ex.header("X-Microsoft-OutputFormat")));
    if (type == null || !type.startsWith("application/ssml+xml") || audioType == null) {
      ex.sendBytes(400, "text/plain", new byte[0]);
      return;
    }
    Element speak;
    try {
      speak = parse(ex.body()).getDocumentElement();
    } catch (SAXException | ParserConfigurationException e) {
      ex.sendBytes(400, "text/plain", new byte[0]);
      return;
    }
    NodeList voices = speak.getElementsByTagName("voice");
    String lang = speak.getAttribute("xml:lang");
    if (!speak.getTagName().equals("speak") || voices.getLength() != 1 || lang.isEmpty()
        || !speak.getAttribute("version").equals("1.0")) {
      ex.sendBytes(400, "text/plain", new byte[0]);
      return;
    }
    Element voice = (Element) voices.item(0);
    String name = voice.getAttribute("name");
    if (!name.endsWith("Neural")) {
      ex.sendBytes(400, "text/plain", new byte[0]); // no such voice
      return;
    }
    NodeList prosody = voice.getElementsByTagName("prosody");
    String rate = prosody.getLength() == 0 ? "1" : ((Element) prosody.item(0)).getAttribute("rate");
    ex.sendBytes(200, audioType, audioFor(name, lang, rate, voice.getTextContent()));
  }

  private static Document parse(byte[] ssml) throws ParserConfigurationException, SAXException, IOException {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setNamespaceAware(false);
    DocumentBuilder b = f.newDocumentBuilder();
    b.setErrorHandler(null);
    return b.parse(new ByteArrayInputStream(ssml));
  }
}
