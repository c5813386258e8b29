import type { Detector } from './detector.js';
import { privilegedContainer } from './config/privileged.js';
import { hostNamespaces } from './config/host-namespaces.js';
import { dangerousCapabilities } from './config/dangerous-capabilities.js';
import { sensitiveMounts } from './config/sensitive-mounts.js';
import { securityProfileDisabled } from './config/security-profile.js';
import { commandOverride } from './config/command-override.js';
import { loggingDisabled } from './config/logging-disabled.js';
import { runtimeHardening } from './config/runtime-hardening.js';
import { hiddenFiles } from './files/hidden-files.js';
import { immutableFiles } from './files/immutable-files.js';
import { accountTampering } from './files/account-tampering.js';
import { sudoersNopasswd } from './files/sudoers.js';
import { cronPersistence } from './files/cron-persistence.js';
import { authorizedKeys } from './files/authorized-keys.js';
import { ldPreload } from './files/ld-preload.js';
import { shellRcTampering } from './files/shell-rc.js';
import { droppedExecutable } from './files/dropped-executable.js';
import { timestomp } from './files/timestomp.js';
import { sensitiveLinks } from './files/sensitive-links.js';
import { indicatorRemoval } from './files/indicator-removal.js';
import { nameResolutionTampering } from './files/name-resolution.js';
import { authConfigTampering } from './files/auth-config.js';
import { suspiciousExe } from './process/suspicious-exe.js';
import { processMasquerading } from './process/masquerading.js';
import { containerTooling } from './process/container-tooling.js';
import { processEnvAbuse } from './process/env-abuse.js';
import { hiddenProcesses } from './process/hidden-processes.js';
import { procBindMount } from './process/proc-bind-mount.js';
import { namespaceEscape } from './process/namespace-escape.js';
import { imageTampering } from './image/image-tampering.js';
import { imageBuildHygiene } from './image/image-build.js';
import { reverseShell } from './network/reverse-shell.js';
import { tunnel } from './network/tunnel.js';
import { shellPipeline } from './network/shell-pipeline.js';
import { unexpectedListener } from './network/unexpected-listener.js';
import { outboundNonstandardPort } from './network/outbound-nonstandard-port.js';
import { interContainer } from './network/inter-container.js';
import { beaconing } from './network/beaconing.js';
import { packetSocket } from './network/packet-socket.js';
import { cloudMetadataAccess } from './network/cloud-metadata.js';
import { resourceHijack } from './lifecycle/resource-hijack.js';
import { shortLivedContainers } from './lifecycle/short-lived.js';
import { execIntoContainer } from './lifecycle/exec-into-container.js';
import { unauthorizedDeployment } from './lifecycle/unauthorized-deployment.js';
import { kubePrivilegedWorkload } from './kube/privileged-workload.js';
import { kubePodExec } from './kube/pod-exec.js';
import { shadowContainer } from './kube/shadow-container.js';
import { kubePrivilegedPod } from './kube/pod-privileged.js';
import { kubeHostNamespaces } from './kube/pod-host-namespaces.js';
import { kubeHostPathMount } from './kube/pod-hostpath.js';
import { kubeDangerousCapabilities } from './kube/pod-capabilities.js';
import { kubePrivilegeEscalation } from './kube/pod-privilege-escalation.js';
import { kubeIsolationDisabled } from './kube/pod-isolation.js';
import { kubeMutableImageTag } from './kube/image-mutable-tag.js';
import { kubeUntrustedRegistry } from './kube/image-registry.js';
import { kubeCryptominer } from './kube/cryptominer.js';
import { kubeTunnelWorkload } from './kube/tunnel-workload.js';
import { kubeAdminTokenMount } from './kube/admin-token-mount.js';
import { kubeNamespaceNoNetpol } from './kube/namespace-no-netpol.js';
import { kubeManualChange } from './kube/manual-change.js';
import { kubeSecretAccess } from './kube/secret-access.js';
import { kubeAdminBinding } from './kube/admin-binding.js';
import { kubeAuditEvasion } from './kube/audit-evasion.js';
import { kubeObjectChange } from './kube/object-change.js';
import { kubeRiskyRole } from './kube/risky-role.js';
import { kubeRbacBypass } from './kube/rbac-bypass.js';
import { kubeRbacRisk } from './kube/rbac-risk.js';
import { kubeExposedService } from './kube/exposed-service.js';
import { kubeCredentialExposure } from './kube/credential-exposure.js';
import { kubePodStandards } from './kube/pod-standards.js';
import { kubeDefaultNamespace } from './kube/default-namespace.js';

/** Every detector, in catalogue order: configuration, files, processes, image, network, lifecycle, Kubernetes. */
export const DETECTORS: readonly Detector[] = [
  privilegedContainer,
  hostNamespaces,
  dangerousCapabilities,
  sensitiveMounts,
  securityProfileDisabled,
  commandOverride,
  loggingDisabled,
  runtimeHardening,
  hiddenFiles,
  immutableFiles,
  accountTampering,
  sudoersNopasswd,
  cronPersistence,
  authorizedKeys,
  ldPreload,
  shellRcTampering,
  droppedExecutable,
  timestomp,
  sensitiveLinks,
  indicatorRemoval,
  nameResolutionTampering,
  authConfigTampering,
  suspiciousExe,
  processMasquerading,
  containerTooling,
  processEnvAbuse,
  hiddenProcesses,
  procBindMount,
  namespaceEscape,
  imageTampering,
  imageBuildHygiene,
  reverseShell,
  tunnel,
  shellPipeline,
  unexpectedListener,
  outboundNonstandardPort,
  interContainer,
  beaconing,
  packetSocket,
  cloudMetadataAccess,
  resourceHijack,
  shortLivedContainers,
  execIntoContainer,
  unauthorizedDeployment,
  kubePrivilegedWorkload,
  kubePodExec,
  shadowContainer,
  kubePrivilegedPod,
  kubeHostNamespaces,
  kubeHostPathMount,
  kubeDangerousCapabilities,
  kubePrivilegeEscalation,
  kubeIsolationDisabled,
  kubeMutableImageTag,
  kubeUntrustedRegistry,
  kubeCryptominer,
  kubeTunnelWorkload,
  kubeAdminTokenMount,
  kubeNamespaceNoNetpol,
  kubeManualChange,
  kubeSecretAccess,
  kubeAdminBinding,
  kubeAuditEvasion,
  kubeObjectChange,
  kubeRiskyRole,
  kubeRbacBypass,
  kubeRbacRisk,
  kubeExposedService,
  kubeCredentialExposure,
  kubePodStandards,
  kubeDefaultNamespace,
];
