// Runs worker objects side by side: workers[1..] on threads of their own, workers[0] on the
// calling thread, and returns once all have finished. Each worker is an object with operator()
// that owns what it finds; the caller reads it after this returns (the joins order those reads
// after the workers' writes).
#pragma once
#include <functional>
#include <thread>
#include <vector>

namespace moccasin {

template <class Worker>
void runWorkers(std::vector<Worker>& workers) {
    if (workers.empty()) return;
    std::vector<std::thread> running;
    running.reserve(workers.size() - 1);
    for (size_t t = 1; t < workers.size(); ++t) running.emplace_back(std::ref(workers[t]));
    workers[0]();
    for (std::thread& t : running) t.join();
}

}  // namespace moccasin
