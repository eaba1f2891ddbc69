package io.lamina.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version Maven wrote into the jar manifest. */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Lamina.class.getPackage().getImplementationVersion();
        return new String[] {"lamina " + (v == null ? "(development build)" : v)};
    }
}
