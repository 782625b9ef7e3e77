package io.logicgraph.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.logicgraph.model.graph.WorkerKind;
import io.logicgraph.model.message.Queues;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Renders every overlay and checks the deployment guide's invariants on what it would apply. */
class OverlayInvariantsTest {
  static final String NAMESPACE = "logic-graph";
  static final String PLACEHOLDER = "CHANGE_ME";

  static Stream<String> overlays() {
    return Overlay.names();
  }

  static Overlay render(String name) {
    assumeTrue(
        Overlay.kubectlAvailable(),
        "kubectl is not on PATH: overlays cannot be rendered offline (install kubectl, which"
            + " bundles kustomize, to run these checks)");
    return Overlay.render(name);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void rendersTheFleetWithEveryObjectTyped(String name) {
    Overlay overlay = render(name); // typed parsing with unknown fields rejected happens here
    assertThat(overlay.all(Deployment.class))
        .extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "logic-graph-api",
            "logic-graph-orchestrator",
            "logic-graph-db-worker",
            "logic-graph-ai-worker",
            "logic-graph-rule-worker");
    for (Overlay.Rendered o : overlay.objects) {
      if (o.typed() instanceof HasMetadata object && !(o.kind().equals("Namespace"))) {
        assertThat(object.getMetadata().getNamespace())
            .as(o.kind() + " " + o.name())
            .isEqualTo(NAMESPACE);
      } else if (o.typed() instanceof Keda.ScaledObject so) {
        assertThat(so.metadata().namespace()).isEqualTo(NAMESPACE);
      } else if (o.typed() instanceof Keda.TriggerAuthentication ta) {
        assertThat(ta.metadata().namespace()).isEqualTo(NAMESPACE);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void deploymentsHaveProbesAndResources(String name) {
    for (Deployment d : render(name).all(Deployment.class)) {
      for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
        String what = Overlay.nameOf(d) + " container " + c.getName();
        assertHttpProbe(what + " liveness", c.getLivenessProbe(), "/health");
        assertHttpProbe(what + " readiness", c.getReadinessProbe(), "/ready");
        assertThat(c.getStartupProbe()).as(what + " startup probe").isNotNull();
        assertThat(c.getResources().getRequests())
            .as(what + " requests")
            .containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).as(what + " limits").containsKeys("cpu", "memory");
        assertThat(c.getEnv())
            .as(what + " caps the heap below the memory limit, whatever the image's entrypoint")
            .anyMatch(
                e ->
                    e.getName().equals("JAVA_TOOL_OPTIONS")
                        && e.getValue().contains("MaxRAMPercentage"))
            .anyMatch(e -> e.getName().equals("JAVA_MAX_MEM_RATIO"));
        assertThat(c.getPorts())
            .as(what + " management port")
            .anyMatch(p -> p.getContainerPort() == 9090 && "management".equals(p.getName()));
      }
    }
  }

  private static void assertHttpProbe(String what, Probe probe, String path) {
    assertThat(probe).as(what).isNotNull();
    assertThat(probe.getHttpGet()).as(what + " httpGet").isNotNull();
    assertThat(probe.getHttpGet().getPath()).as(what + " path").isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).as(what + " port").isEqualTo("management");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyPodRunsHardened(String name) {
    Overlay overlay = render(name);
    assertThat(overlay.podTemplates()).isNotEmpty();
    for (Overlay.PodTemplate pod : overlay.podTemplates()) {
      PodSpec spec = pod.template().getSpec();
      PodSecurityContext podSecurity = spec.getSecurityContext();
      String owner = pod.ownerKind() + " " + pod.ownerName();
      assertThat(spec.getAutomountServiceAccountToken()).as(owner + " automount token").isFalse();
      assertThat(podSecurity).as(owner + " pod securityContext").isNotNull();
      assertThat(podSecurity.getSeccompProfile().getType())
          .as(owner + " seccomp")
          .isEqualTo("RuntimeDefault");
      for (Container c : spec.getContainers()) {
        String what = owner + " container " + c.getName();
        SecurityContext sc = c.getSecurityContext();
        assertThat(sc).as(what + " securityContext").isNotNull();
        Boolean nonRoot =
            sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : podSecurity.getRunAsNonRoot();
        assertThat(nonRoot).as(what + " runAsNonRoot").isTrue();
        assertThat(sc.getReadOnlyRootFilesystem()).as(what + " readOnlyRootFilesystem").isTrue();
        assertThat(sc.getAllowPrivilegeEscalation())
            .as(what + " allowPrivilegeEscalation")
            .isFalse();
        assertThat(sc.getPrivileged()).as(what + " privileged").isNotEqualTo(Boolean.TRUE);
        assertThat(sc.getCapabilities().getDrop())
            .as(what + " capabilities.drop")
            .containsExactly("ALL");
        assertThat(c.getResources().getLimits()).as(what + " memory limit").containsKey("memory");
        if (pod.ownerName().startsWith("logic-graph-") && !pod.ownerKind().equals("StatefulSet")) {
          assertThat(c.getVolumeMounts())
              .as(what + " writable /tmp on a read-only root")
              .extracting(VolumeMount::getMountPath)
              .contains("/tmp");
          assertThat(spec.getSecurityContext().getRunAsUser())
              .as(what + " runAsUser")
              .isEqualTo(185L);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyDeploymentHasAtMostOneAutoscalerAndAReplicaOwner(String name) {
    Overlay overlay = render(name);
    Set<String> deployments = new HashSet<>();
    overlay.all(Deployment.class).forEach(d -> deployments.add(d.getMetadata().getName()));
    Map<String, List<String>> scalers = new HashMap<>();
    for (HorizontalPodAutoscaler hpa : overlay.all(HorizontalPodAutoscaler.class)) {
      assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
      scalers
          .computeIfAbsent(hpa.getSpec().getScaleTargetRef().getName(), k -> new ArrayList<>())
          .add(Overlay.nameOf(hpa));
    }
    for (Keda.ScaledObject so : overlay.all(Keda.ScaledObject.class)) {
      String kind = so.spec().scaleTargetRef().kind();
      assertThat(kind == null || kind.equals("Deployment")).as("ScaledObject target kind").isTrue();
      scalers
          .computeIfAbsent(so.spec().scaleTargetRef().name(), k -> new ArrayList<>())
          .add("ScaledObject " + so.metadata().name());
    }
    scalers.forEach(
        (target, owners) -> {
          assertThat(deployments).as(owners + " target an existing Deployment").contains(target);
          assertThat(owners).as("autoscalers of Deployment " + target).hasSize(1);
        });
    for (Deployment d : overlay.all(Deployment.class)) {
      if (d.getSpec().getReplicas() == null) {
        assertThat(scalers)
            .as(Overlay.nameOf(d) + " has no replicas field, so an autoscaler must own its count")
            .containsKey(d.getMetadata().getName());
      }
    }
    assertThat(scalers).as("the gateway scales on CPU/memory").containsKey("logic-graph-api");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void scaledObjectsWatchTheirWorkersOwnQueue(String name) {
    Overlay overlay = render(name);
    Set<String> queues = seedQueues();
    Set<String> authentications = new HashSet<>();
    for (Keda.TriggerAuthentication ta : overlay.all(Keda.TriggerAuthentication.class)) {
      authentications.add(ta.metadata().name());
      assertThat(ta.spec().secretTargetRef())
          .as("TriggerAuthentication reads the broker URL from a Secret")
          .anyMatch(r -> r.parameter().equals("host") && r.name().equals("logic-graph-rabbitmq"));
    }
    for (Keda.ScaledObject so : overlay.all(Keda.ScaledObject.class)) {
      String target = so.spec().scaleTargetRef().name();
      WorkerKind kind = workerOf(target);
      assertThat(so.spec().minReplicaCount()).as(target + " min").isNotNull().isPositive();
      assertThat(so.spec().maxReplicaCount())
          .as(target + " max")
          .isGreaterThanOrEqualTo(so.spec().minReplicaCount());
      assertThat(so.spec().cooldownPeriod()).as(target + " cooldown").isNotNull();
      assertThat(so.spec().triggers()).as(target + " triggers").hasSize(1);
      Keda.Trigger trigger = so.spec().triggers().get(0);
      assertThat(trigger.type()).isEqualTo("rabbitmq");
      assertThat(trigger.metadata().mode()).isEqualTo("QueueLength");
      assertThat(Integer.parseInt(trigger.metadata().value())).isPositive();
      assertThat(trigger.metadata().queueName())
          .as(target + " queue")
          .isIn(queues)
          .isEqualTo(kind.queue());
      assertThat(trigger.metadata().host())
          .as("no credentials inline: host comes from the Secret")
          .isNull();
      assertThat(authentications).contains(trigger.authenticationRef().name());
    }
  }

  private static WorkerKind workerOf(String deployment) {
    return switch (deployment) {
      case "logic-graph-db-worker" -> WorkerKind.DB;
      case "logic-graph-ai-worker" -> WorkerKind.AI;
      case "logic-graph-rule-worker" -> WorkerKind.RULE;
      default ->
          throw new AssertionError("a ScaledObject targets " + deployment + ", not a worker");
    };
  }

  /** The public queue-name constants of io.logicgraph.model.message.Queues. */
  static Set<String> seedQueues() {
    Set<String> names = new HashSet<>();
    for (Field f : Queues.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        try {
          names.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    assertThat(names).hasSize(5);
    return names;
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void networkPoliciesSelectExistingPodsAndCoverEveryWorkload(String name) {
    Overlay overlay = render(name);
    List<NetworkPolicy> policies = overlay.all(NetworkPolicy.class);
    assertThat(policies).as("network-policies component").isNotEmpty();
    assertThat(policies)
        .filteredOn(OverlayInvariantsTest::isDefaultDeny)
        .as("a default-deny policy for ingress and egress of every pod")
        .isNotEmpty();
    for (NetworkPolicy p : policies) {
      assertThat(overlay.podsSelectedBy(p.getSpec().getPodSelector()))
          .as(Overlay.nameOf(p) + " selects pods that exist")
          .isNotEmpty();
      List<NetworkPolicyPeer> peers = new ArrayList<>();
      p.getSpec().getIngress().forEach(r -> peers.addAll(r.getFrom()));
      p.getSpec().getEgress().forEach(r -> peers.addAll(r.getTo()));
      for (NetworkPolicyPeer peer : peers) {
        if (peer.getPodSelector() != null && peer.getNamespaceSelector() == null) {
          assertThat(overlay.podsSelectedBy(peer.getPodSelector()))
              .as(Overlay.nameOf(p) + " peer " + peer.getPodSelector() + " selects pods that exist")
              .isNotEmpty();
        }
      }
    }
    Set<Map<String, String>> allowLists = new HashSet<>();
    policies.forEach(p -> allowLists.add(p.getSpec().getPodSelector().getMatchLabels()));
    for (Overlay.PodTemplate pod : overlay.podTemplates()) {
      assertThat(allowLists)
          .as(pod.ownerKind() + " " + pod.ownerName() + " has its own allow-list")
          .contains(Map.of("app.kubernetes.io/name", pod.ownerName()));
    }
  }

  private static boolean isDefaultDeny(NetworkPolicy p) {
    var selector = p.getSpec().getPodSelector();
    return (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
        && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty())
        && p.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
        && p.getSpec().getIngress().isEmpty()
        && p.getSpec().getEgress().isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void servicesBudgetsAndMonitorsSelectExistingPods(String name) {
    Overlay overlay = render(name);
    List<Service> services = overlay.all(Service.class);
    for (Service s : services) {
      assertThat(overlay.podsSelectedBy(s.getSpec().getSelector()))
          .as(Overlay.nameOf(s) + " selects pods")
          .isNotEmpty();
    }
    Service gateway =
        services.stream()
            .filter(s -> s.getMetadata().getName().equals("logic-graph-api"))
            .findFirst()
            .orElseThrow();
    assertThat(gateway.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(gateway.getSpec().getPorts())
        .anyMatch(p -> p.getPort() == 80 && "http".equals(p.getTargetPort().getStrVal()))
        .anyMatch(p -> p.getPort() == 9090 && "metrics".equals(p.getName()));
    for (PodDisruptionBudget pdb : overlay.all(PodDisruptionBudget.class)) {
      assertThat(overlay.podsSelectedBy(pdb.getSpec().getSelector()))
          .as(Overlay.nameOf(pdb))
          .isNotEmpty();
    }
    for (Deployment d : overlay.all(Deployment.class)) {
      assertThat(overlay.all(PodDisruptionBudget.class))
          .as(Overlay.nameOf(d) + " has a PodDisruptionBudget")
          .anyMatch(
              pdb ->
                  Overlay.matches(
                      pdb.getSpec().getSelector(),
                      d.getSpec().getTemplate().getMetadata().getLabels()));
    }
    for (ServiceMonitor monitor : overlay.all(ServiceMonitor.class)) {
      List<Service> scraped =
          services.stream()
              .filter(
                  s ->
                      Overlay.matches(monitor.getSpec().getSelector(), s.getMetadata().getLabels()))
              .toList();
      Set<String> scrapedWorkloads = new HashSet<>();
      for (Service s : scraped) {
        assertThat(s.getSpec().getPorts())
            .extracting(ServicePort::getName)
            .as(Overlay.nameOf(s) + " exposes the monitored port")
            .contains(monitor.getSpec().getEndpoints().get(0).getPort());
        scrapedWorkloads.add(s.getSpec().getSelector().get("app.kubernetes.io/name"));
      }
      Set<String> deployments = new HashSet<>();
      overlay.all(Deployment.class).forEach(d -> deployments.add(d.getMetadata().getName()));
      assertThat(scrapedWorkloads)
          .as("every Deployment is scraped exactly through one Service")
          .isEqualTo(deployments);
      assertThat(scraped).hasSize(deployments.size());
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void secretsHoldOnlyPlaceholdersAndEveryReferenceIsKnown(String name) {
    Overlay overlay = render(name);
    Set<String> rendered = new HashSet<>();
    for (Secret secret : overlay.all(Secret.class)) {
      rendered.add(secret.getMetadata().getName());
      assertOnlyPlaceholders(Overlay.nameOf(secret), secret);
    }
    Set<String> documented = SecretTemplatesTest.templateNames();
    for (Overlay.PodTemplate pod : overlay.podTemplates()) {
      for (Container c : pod.template().getSpec().getContainers()) {
        for (EnvVar env : c.getEnv()) {
          assertThat(env.getValue() == null || !env.getValue().contains(PLACEHOLDER)).isTrue();
          if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
            String secret = env.getValueFrom().getSecretKeyRef().getName();
            assertThat(rendered.contains(secret) || documented.contains(secret))
                .as(
                    pod.ownerName()
                        + " reads Secret "
                        + secret
                        + ", rendered or templated in deploy/k8s/secrets")
                .isTrue();
          }
        }
        for (EnvFromSource from : c.getEnvFrom()) {
          if (from.getSecretRef() != null) {
            assertThat(documented).contains(from.getSecretRef().getName());
            assertThat(from.getSecretRef().getOptional())
                .as("operator-provided Secret is optional")
                .isTrue();
          }
        }
      }
    }
  }

  static void assertOnlyPlaceholders(String what, Secret secret) {
    Map<String, String> values = new HashMap<>();
    if (secret.getStringData() != null) {
      values.putAll(secret.getStringData());
    }
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach(
              (k, v) ->
                  values.put(
                      k, new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    assertThat(values).as(what + " has values").isNotEmpty();
    values.forEach(
        (k, v) ->
            assertThat(v).as(what + " key " + k + " must be a placeholder").contains(PLACEHOLDER));
  }
}
