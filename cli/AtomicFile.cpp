#include "cli/AtomicFile.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace moccasin::cli {

namespace {

std::string directoryOf(const std::string& path) {
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

std::string temporaryFor(const std::string& path) {
    auto slash = path.find_last_of('/');
    std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    return dir + "." + name + ".tmp-" + std::to_string(getpid());
}

std::string failure(const std::string& path, const char* what) {
    return path + ": " + what + ": " + std::strerror(errno);
}

bool writeAll(int fd, const std::string& content) {
    const char* p = content.data();
    size_t left = content.size();
    while (left > 0) {
        ssize_t w = ::write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        p += w;
        left -= static_cast<size_t>(w);
    }
    return true;
}

}  // namespace

std::optional<std::string> writeFileAtomically(const std::string& path, const std::string& content) {
    const std::string tmp = temporaryFor(path);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return failure(path, "cannot create a temporary file beside it");
    if (!writeAll(fd, content) || ::fsync(fd) != 0) {
        std::string err = failure(path, "cannot write");
        ::close(fd);
        ::unlink(tmp.c_str());
        return err;
    }
    if (::close(fd) != 0) {
        std::string err = failure(path, "cannot write");
        ::unlink(tmp.c_str());
        return err;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        std::string err = failure(path, "cannot replace");
        ::unlink(tmp.c_str());
        return err;
    }
    return std::nullopt;
}

std::optional<std::string> checkWritable(const std::string& path) {
    if (path.empty()) return std::string("the output path is empty");
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return path + ": is a directory";
    const std::string dir = directoryOf(path);
    if (::stat(dir.c_str(), &st) != 0) return failure(dir, "the output directory does not exist");
    if (!S_ISDIR(st.st_mode)) return dir + ": not a directory";
    const std::string tmp = temporaryFor(path);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return failure(path, "cannot write in its directory");
    ::close(fd);
    ::unlink(tmp.c_str());
    return std::nullopt;
}

}  // namespace moccasin::cli
