package dev.brigade.it.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.util.List;
import java.util.Optional;

/** The Deployments of deploy/base and what their containers declare. */
final class Workloads {
    static final List<Manifest> BASE = DeployManifests.under("base");

    private Workloads() {
    }

    static Deployment deployment(String name) {
        return DeployManifests.one(BASE, "Deployment", name).as(Deployment.class);
    }

    static Container container(String deployment) {
        List<Container> containers = deployment(deployment).getSpec().getTemplate().getSpec().getContainers();
        if (containers.size() != 1) {
            throw new AssertionError(deployment + " should run one container, runs " + containers.size());
        }
        return containers.getFirst();
    }

    /** The container port a probe or Service names, by name or by number. */
    static Optional<Integer> resolvePort(Container container, IntOrString port) {
        if (port == null) {
            return Optional.empty();
        }
        if (port.getIntVal() != null) {
            return container.getPorts().stream().map(ContainerPort::getContainerPort)
                    .filter(p -> p.equals(port.getIntVal())).findFirst();
        }
        return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort).findFirst();
    }
}
