package io.logicgraph.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import org.junit.jupiter.api.Test;

/** The schema check itself: a misspelled or invented field never passes silently. */
class StrictParsingTest {

  private static JsonNode one(String yaml) {
    return StrictParser.documents(yaml).get(0);
  }

  @Test
  void knownKubernetesKindsBecomeTypedObjects() {
    Object typed =
        StrictParser.parse(
            one(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replicas: 2
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers: [{name: c, image: i, resources: {limits: {memory: 1Gi}}}]
                """));
    assertThat(typed).isInstanceOf(Deployment.class);
    assertThat(((Deployment) typed).getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void aMisspelledFieldDeepInADeploymentIsReported() {
    JsonNode document =
        one(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: x}
            spec:
              selector: {matchLabels: {a: b}}
              template:
                metadata: {labels: {a: b}}
                spec:
                  containers:
                    - name: c
                      image: i
                      securityContext: {readOnlyRootFileSystem: true}
            """);
    assertThatThrownBy(() -> StrictParser.parse(document))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("readOnlyRootFileSystem");
  }

  @Test
  void prometheusOperatorKindsAreTypedToo() {
    Object typed =
        StrictParser.parse(
            one(
                """
                apiVersion: monitoring.coreos.com/v1
                kind: PrometheusRule
                metadata: {name: x}
                spec:
                  groups: [{name: g, rules: [{alert: A, expr: up == 0, for: 5m}]}]
                """));
    assertThat(typed).isInstanceOf(PrometheusRule.class);
    assertThatThrownBy(
            () ->
                StrictParser.parse(
                    one(
                        """
                        apiVersion: monitoring.coreos.com/v1
                        kind: PrometheusRule
                        metadata: {name: x}
                        spec:
                          groups: [{name: g, rules: [{alert: A, expression: up == 0}]}]
                        """)))
        .hasMessageContaining("expression");
  }

  @Test
  void kedaObjectsRejectUnknownFields() {
    assertThatThrownBy(
            () ->
                StrictParser.parse(
                    one(
                        """
                        apiVersion: keda.sh/v1alpha1
                        kind: ScaledObject
                        metadata: {name: x}
                        spec:
                          scaleTargetRef: {name: d}
                          maxReplicas: 10
                        """)))
        .hasMessageContaining("maxReplicas");
    assertThatThrownBy(
            () ->
                StrictParser.parse(
                    one(
                        """
                        apiVersion: keda.sh/v1alpha1
                        kind: ScaledObject
                        metadata: {name: x}
                        spec:
                          scaleTargetRef: {name: d}
                          triggers: [{type: rabbitmq, metadata: {queue: q}}]
                        """)))
        .hasMessageContaining("queue");
  }

  @Test
  void kindsWithoutASchemaAreRejected() {
    assertThatThrownBy(
            () ->
                StrictParser.parse(
                    one(
                        """
                        apiVersion: example.com/v1
                        kind: Widget
                        metadata: {name: x}
                        """)))
        .hasMessageContaining("no schema");
  }
}
