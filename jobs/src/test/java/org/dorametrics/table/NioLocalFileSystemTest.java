package org.dorametrics.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** file: paths through java.nio: the same permissions, owners and listings Hadoop's local file system gives. */
class NioLocalFileSystemTest {
    @TempDir
    java.nio.file.Path folder;

    @Test
    void registeredItServesFilePathsOfEveryNewConfiguration() throws Exception {
        NioLocalFileSystem.register();
        FileSystem fileSystem = FileSystem.newInstance(folder.toUri(), new Configuration());
        assertInstanceOf(NioLocalFileSystem.class, fileSystem);
        fileSystem.close();
    }

    @Test
    void permissionsAreSetAndReadAsChmodAndLsWould() throws Exception {
        try (NioLocalFileSystem fileSystem = new NioLocalFileSystem()) {
            fileSystem.initialize(folder.toUri(), new Configuration());
            Path table = new Path(folder.toUri().toString(), "table");
            fileSystem.mkdirs(table, new FsPermission((short) 0750));
            Path file = new Path(table, "part-0.parquet");
            try (OutputStream out = fileSystem.create(file, new FsPermission((short) 0640), true, 4096, (short) 1, 1 << 20, null)) {
                out.write(new byte[] {1, 2, 3});
            }
            fileSystem.setPermission(file, new FsPermission((short) 0604));

            assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("table"))));
            assertEquals("rw----r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("table/part-0.parquet"))));
            FileStatus status = fileSystem.getFileStatus(file);
            assertEquals(new FsPermission((short) 0604), status.getPermission());
            assertEquals(Files.getOwner(folder.resolve("table/part-0.parquet")).getName(), status.getOwner());
            assertEquals(3, status.getLen());
            // The listing has the data file and the checksum file beside it, each with what the disk says.
            FileStatus[] listed = fileSystem.getRawFileSystem().listStatus(table);
            assertEquals(2, listed.length);
            for (FileStatus entry : listed) {
                java.nio.file.Path onDisk = folder.resolve("table").resolve(entry.getPath().getName());
                assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(onDisk)), entry.getPermission().toString());
            }
            assertEquals(new FsPermission((short) 0750), fileSystem.getFileStatus(table).getPermission());
        }
    }
}
