package dev.ferry.verify;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What proves a file unchanged since its content was hashed, read with one {@code lstat}: size,
 * modification time, and the two things a user cannot set back. The change time (ctime) moves
 * with every write, {@code touch} and {@code chmod}, so an edit that restores size and mtime still
 * shows; device and inode tell a file replaced by another (a rename over it) from the one hashed.
 */
record FileStamp(long size, long mtimeNanos, long ctimeNanos, long device, long inode) {

    private static final String ATTRIBUTES = "unix:isRegularFile,size,lastModifiedTime,ctime,dev,ino";

    /**
     * The stamp of the regular file at {@code file}, not following a symbolic link.
     *
     * @throws java.nio.file.NoSuchFileException when it is gone
     * @throws FileSystemException               when it is not a regular file
     */
    static FileStamp of(Path file) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(file, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        if (!(Boolean) attributes.get("isRegularFile")) {
            throw new FileSystemException(file.toString(), null, "not a regular file");
        }
        return new FileStamp((Long) attributes.get("size"), nanos(attributes.get("lastModifiedTime")),
                nanos(attributes.get("ctime")), ((Number) attributes.get("dev")).longValue(),
                ((Number) attributes.get("ino")).longValue());
    }

    private static long nanos(Object time) {
        return ((FileTime) time).to(TimeUnit.NANOSECONDS);
    }
}
