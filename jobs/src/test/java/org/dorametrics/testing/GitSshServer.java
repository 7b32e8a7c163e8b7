package org.dorametrics.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A real local git server over ssh (Apache MINA sshd, which JGit's ssh client brings, running JGit's UploadPack):
 * user {@code git}, signing in with the one key it was given, serving bare repositories at
 * {@code ssh://git@127.0.0.1:<port>/<name>.git}. Its host key is made fresh, so a client must be told it.
 */
public final class GitSshServer implements AutoCloseable {
    private final SshServer server;
    private final KeyPair hostKey;
    private final Map<String, Path> repositories = new ConcurrentHashMap<>();

    private GitSshServer(PublicKey userKey) throws IOException, GeneralSecurityException {
        hostKey = newKeyPair();
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> user.equals("git") && KeyUtils.compareKeys(key, userKey));
        server.setCommandFactory(uploadPack());
        server.start();
    }

    /** A server that lets in the holder of {@code userKey}. */
    public static GitSshServer start(PublicKey userKey) throws IOException, GeneralSecurityException {
        return new GitSshServer(userKey);
    }

    public GitSshServer serve(String name, Path gitDir) {
        repositories.put("/" + name + ".git", gitDir);
        return this;
    }

    public String url(String name) {
        return "ssh://git@127.0.0.1:" + server.getPort() + "/" + name + ".git";
    }

    /** The known_hosts line that vouches for this server. */
    public String knownHostsLine() {
        return "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    public static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** Writes a private key the way ssh-keygen does (OpenSSH format, no passphrase). */
    public static void writePrivateKey(KeyPair key, Path file) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "dora-test", null, out);
        }
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }

    private CommandFactory uploadPack() {
        return (channel, command) -> new UploadPackCommand(command);
    }

    /** {@code git-upload-pack '/<name>.git'}, as a git client sends it, answered by JGit's UploadPack. */
    private final class UploadPackCommand implements Command {
        private final String command;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        UploadPackCommand(String command) {
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback exit) {
            this.exit = exit;
        }

        @Override
        public void start(ChannelSession channel, Environment environment) {
            List<String> words = CommandFactory.split(command);
            Path gitDir = words.size() == 2 && words.get(0).equals("git-upload-pack") ? repositories.get(words.get(1)) : null;
            Thread thread = new Thread(() -> {
                if (gitDir == null) {
                    try {
                        err.write(("unknown command or repository: " + command + "\n").getBytes(StandardCharsets.UTF_8));
                        err.flush();
                    } catch (IOException e) {
                        // the client is gone: nothing to tell it
                    }
                    exit.onExit(1);
                    return;
                }
                try (Repository repository = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build()) {
                    new UploadPack(repository).upload(in, out, err);
                    out.flush();
                    exit.onExit(0);
                } catch (IOException e) {
                    exit.onExit(1, e.toString());
                }
            }, "git-upload-pack");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void destroy(ChannelSession channel) {
            // the upload ends with its streams
        }
    }
}
