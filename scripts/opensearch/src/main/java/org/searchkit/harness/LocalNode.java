package org.searchkit.harness;

import java.util.Collections;
import java.util.List;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node in this JVM, for development and tests.
 *
 * <p>Arguments are node settings, {@code key=value} each (scripts/opensearch-local writes
 * them). The node runs until the process gets SIGTERM, then closes cleanly. Started in
 * process rather than through bin/opensearch, which refuses to run as root and needs a
 * distribution unpacked; the plugins it would load as modules are given on the classpath.
 */
public final class LocalNode {
    private static final List<Class<? extends Plugin>> PLUGINS =
            List.of(Netty4Plugin.class, CommonAnalysisPlugin.class);

    private LocalNode() {}

    /** A Node whose plugins come from the classpath instead of a modules folder. */
    private static final class ClasspathNode extends Node {
        ClasspathNode(Environment environment) {
            super(environment, PLUGINS, true);
        }
    }

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                System.err.println("LocalNode: expected key=value, got " + arg);
                System.exit(2);
            }
            builder.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Settings settings = builder.build();
        LogConfigurator.registerErrorListener();
        LogConfigurator.configureWithoutConfig(settings);
        Environment environment =
                InternalSettingsPreparer.prepareEnvironment(
                        settings, Collections.emptyMap(), null, () -> settings.get("node.name"));
        Node node = new ClasspathNode(environment);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        node.close();
                                    } catch (Exception e) {
                                        e.printStackTrace();
                                    }
                                }));
        node.start();
        Thread.currentThread().join();
    }
}
