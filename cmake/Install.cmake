# `cmake --install`: the library (libmoccasin.a, with the engine it needs, libmoccasin_engine.a),
# the public header <moccasin/moccasin.h>, the program, and a CMake package so that
#   find_package(moccasin) + target_link_libraries(app moccasin::moccasin)
# works from CMAKE_PREFIX_PATH. The package finds the libraries the engine links (nlohmann_json,
# TBB) itself; see cmake/moccasinConfig.cmake.in.
include(CMakePackageConfigHelpers)

set(MOCCASIN_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/moccasin)

install(TARGETS moccasin_api moccasin_lib EXPORT moccasinTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS moccasin RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/api/moccasin/moccasin.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/moccasin)
install(EXPORT moccasinTargets NAMESPACE moccasin:: DESTINATION ${MOCCASIN_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/moccasinConfig.cmake.in
  ${PROJECT_BINARY_DIR}/moccasinConfig.cmake
  INSTALL_DESTINATION ${MOCCASIN_CMAKE_DIR})
# 0.x: a minor version may change the facade, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/moccasinConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/moccasinConfig.cmake ${PROJECT_BINARY_DIR}/moccasinConfigVersion.cmake
  DESTINATION ${MOCCASIN_CMAKE_DIR})
