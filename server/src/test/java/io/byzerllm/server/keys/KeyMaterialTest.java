package io.byzerllm.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KeyMaterialTest {

  @Test
  void issue_key_namesItsIdAndMatchesOnlyItsOwnHash() {
    KeyMaterial.Issued a = KeyMaterial.issue();
    KeyMaterial.Issued b = KeyMaterial.issue();

    assertThat(KeyMaterial.idOf(a.key())).isEqualTo(a.id());
    assertThat(KeyMaterial.matches(a.key(), KeyMaterial.sha256(a.key()))).isTrue();
    assertThat(KeyMaterial.matches(b.key(), KeyMaterial.sha256(a.key()))).isFalse();
    assertThat(a.toString()).doesNotContain(a.key());
  }

  @Test
  void authenticate_issuedBootstrapWrongAndRevokedKeys_callerOrNull() {
    KeyRing ring = new KeyRing("boot");
    KeyMaterial.Issued issued = KeyMaterial.issue();
    ApiKey key = new ApiKey(issued.id(), KeyMaterial.sha256(issued.key()), KeyRole.INFERENCE, List.of(), null, "", 0);
    ring.replace(Map.of(key.id(), key));

    assertThat(ring.authenticate("Bearer " + issued.key())).isEqualTo(new Caller.Keyed(key));
    assertThat(ring.authenticate("Bearer boot")).isEqualTo(Caller.BOOTSTRAP);
    assertThat(ring.authenticate("Bearer " + issued.key() + "x")).isNull();
    assertThat(ring.authenticate(null)).isNull();
    ring.replace(Map.of());
    assertThat(ring.authenticate("Bearer " + issued.key())).isNull();
  }

  @Test
  void authenticate_openNode_everyoneIsAdmin() {
    assertThat(new KeyRing(null).authenticate(null)).isEqualTo(Caller.OPEN);
  }
}
