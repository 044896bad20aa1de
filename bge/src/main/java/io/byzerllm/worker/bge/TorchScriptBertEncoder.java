package io.byzerllm.worker.bge;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A TorchScript export of a BERT encoder on DJL's PyTorch engine, called positionally with
 * {@code (input_ids, attention_mask, token_type_ids)} as HuggingFace's {@code BertModel.forward}
 * orders them, or with the first two when the export was traced with two. Its first output is the
 * last hidden state {@code [batch, length, hidden]} (or already pooled {@code [batch, hidden]}).
 */
final class TorchScriptBertEncoder implements BertEncoder {
  private final Model model;
  private final long weightsBytes;
  private final String description;
  private int inputs = 3;
  private final int dimension;

  private TorchScriptBertEncoder(Model model, long weightsBytes, String description) {
    this.model = model;
    this.weightsBytes = weightsBytes;
    this.description = description;
    TokenBatch probe = TokenBatch.of(List.of(new TokenizedText(new long[] {101, 102}, false)));
    int width;
    try {
      width = clsStates(probe)[0].length;
    } catch (LlmException e) {
      inputs = 2;
      width = clsStates(probe)[0].length;
    }
    this.dimension = width;
  }

  static TorchScriptBertEncoder load(Path ptFile, Device device) {
    Model model = Model.newInstance("bge", device, InferEngine.PYTORCH.djlName());
    return DjlModelLoading.load(model, "TorchScript", ptFile, m -> {
      String name = ptFile.getFileName().toString();
      m.load(ptFile.getParent(), name.substring(0, name.length() - ".pt".length()));
      return new TorchScriptBertEncoder(m, Files.size(ptFile), "PyTorch on " + device + ", TorchScript " + ptFile);
    });
  }

  @Override
  public float[][] clsStates(TokenBatch batch) {
    Shape shape = new Shape(batch.size(), batch.length());
    try (NDManager manager = model.getNDManager().newSubManager();
         Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator())) {
      NDList in = new NDList(manager.create(batch.ids(), shape), manager.create(batch.mask(), shape));
      if (inputs == 3) {
        in.add(manager.create(batch.typeIds(), shape));
      }
      NDArray hidden = predictor.predict(in).get(0);
      NDArray cls = hidden.getShape().dimension() == 3 ? hidden.get(":, 0, :") : hidden;
      int width = (int) cls.getShape().get(1);
      float[] flat = cls.toFloatArray();
      float[][] out = new float[batch.size()][width];
      for (int row = 0; row < batch.size(); row++) {
        System.arraycopy(flat, row * width, out[row], 0, width);
      }
      return out;
    } catch (TranslateException | RuntimeException e) {
      throw new LlmException(ErrorKind.INTERNAL, "TorchScript forward pass failed: " + e.getMessage(), e);
    }
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public long weightsBytes() {
    return weightsBytes;
  }

  @Override
  public String engineDescription() {
    return description;
  }

  @Override
  public void close() {
    model.close();
  }
}
