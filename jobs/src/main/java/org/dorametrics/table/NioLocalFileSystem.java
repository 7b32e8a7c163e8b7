package org.dorametrics.table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system (checksums included), with permissions set and read through java.nio. Without Hadoop's
 * native library, which no Maven artifact ships, {@link RawLocalFileSystem} forks {@code chmod} for every file and
 * folder it creates and {@code ls -ld} for every permission it reads: some 480 processes in one weekly run of the
 * demo, each started by a JVM of several gigabytes, a few seconds of a 30-second run.
 */
public final class NioLocalFileSystem extends LocalFileSystem {
    private static final String DEFAULTS = "org/dorametrics/table/nio-local-file-system.xml";
    private static final PosixFilePermission[] BY_BIT = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    public NioLocalFileSystem() {
        super(new Raw());
    }

    /**
     * Makes this the file system of {@code file:} paths for every Hadoop configuration of this JVM, Spark's included
     * (a default resource, read after core-site.xml); call it before the first {@code file:} file system is cached.
     */
    public static void register() {
        Configuration.addDefaultResource(DEFAULTS);
    }

    static Set<PosixFilePermission> posix(FsPermission permission) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        short bits = permission.toShort();
        for (int bit = 0; bit < BY_BIT.length; bit++) {
            if ((bits & (1 << bit)) != 0) {
                permissions.add(BY_BIT[bit]);
            }
        }
        return permissions;
    }

    static FsPermission hadoop(Set<PosixFilePermission> permissions) {
        short bits = 0;
        for (int bit = 0; bit < BY_BIT.length; bit++) {
            if (permissions.contains(BY_BIT[bit])) {
                bits |= (short) (1 << bit);
            }
        }
        return new FsPermission(bits);
    }

    /** The raw file system under the checksums: Hadoop's, except for permissions, owner and group. */
    static final class Raw extends RawLocalFileSystem {
        @Override
        public void setPermission(Path path, FsPermission permission) throws IOException {
            Files.setPosixFilePermissions(pathToFile(path).toPath(), posix(permission));
        }

        @Override
        public FileStatus getFileStatus(Path path) throws IOException {
            return withPosixAttributes(super.getFileStatus(path));
        }

        @Override
        public FileStatus[] listStatus(Path path) throws IOException {
            FileStatus[] statuses = super.listStatus(path);
            for (int i = 0; i < statuses.length; i++) {
                statuses[i] = withPosixAttributes(statuses[i]);
            }
            return statuses;
        }

        /**
         * The status with its permission, owner and group read now: Hadoop's own status reads them lazily, by forking
         * {@code ls}. Where the file system has no POSIX attributes (Windows), Hadoop's status as it is.
         */
        private FileStatus withPosixAttributes(FileStatus status) throws IOException {
            PosixFileAttributes attributes;
            try {
                attributes = Files.readAttributes(pathToFile(status.getPath()).toPath(), PosixFileAttributes.class);
            } catch (UnsupportedOperationException notPosix) {
                return status;
            }
            return new FileStatus(status.getLen(), status.isDirectory(), status.getReplication(), status.getBlockSize(),
                    status.getModificationTime(), status.getAccessTime(), hadoop(attributes.permissions()),
                    attributes.owner().getName(), attributes.group().getName(), status.getPath());
        }
    }
}
