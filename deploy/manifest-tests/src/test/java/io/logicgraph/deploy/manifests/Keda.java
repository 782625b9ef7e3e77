package io.logicgraph.deploy.manifests;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import java.util.List;
import java.util.Map;

/**
 * Typed KEDA objects (keda.sh/v1alpha1), limited to the fields KEDA documents for ScaledObject,
 * TriggerAuthentication and the RabbitMQ scaler. Read with unknown properties rejected, so a
 * misspelled key fails the tests instead of being ignored by the cluster.
 */
final class Keda {
  static final String API_VERSION = "keda.sh/v1alpha1";

  private Keda() {}

  record Metadata(
      String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {}

  record ScaledObject(String apiVersion, String kind, Metadata metadata, ScaledObjectSpec spec) {}

  record ScaledObjectSpec(
      ScaleTargetRef scaleTargetRef,
      Integer pollingInterval,
      Integer cooldownPeriod,
      Integer initialCooldownPeriod,
      Integer idleReplicaCount,
      Integer minReplicaCount,
      Integer maxReplicaCount,
      Fallback fallback,
      Advanced advanced,
      List<Trigger> triggers) {}

  record ScaleTargetRef(
      String apiVersion, String kind, String name, String envSourceContainerName) {}

  record Fallback(Integer failureThreshold, Integer replicas, String behavior) {}

  record Advanced(Boolean restoreToOriginalReplicaCount, HpaConfig horizontalPodAutoscalerConfig) {}

  record HpaConfig(String name, HorizontalPodAutoscalerBehavior behavior) {}

  /** A trigger; only the RabbitMQ scaler is used, so its metadata is typed as that scaler's. */
  record Trigger(
      String type,
      String name,
      RabbitMqMetadata metadata,
      AuthenticationRef authenticationRef,
      String metricType,
      Boolean useCachedMetrics) {}

  record RabbitMqMetadata(
      String host,
      String hostFromEnv,
      String protocol,
      String mode,
      String value,
      String activationValue,
      String queueName,
      String vhostName,
      String useRegex,
      String excludeUnacknowledged,
      String pageSize,
      String operation,
      String timeout,
      String unsafeSsl) {}

  record AuthenticationRef(String name, String kind) {}

  record TriggerAuthentication(
      String apiVersion, String kind, Metadata metadata, TriggerAuthenticationSpec spec) {}

  record TriggerAuthenticationSpec(List<SecretTargetRef> secretTargetRef, List<EnvRef> env) {}

  record SecretTargetRef(String parameter, String name, String key) {}

  record EnvRef(String parameter, String name, String containerName) {}
}
