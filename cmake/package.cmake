# Debian package (cpack -G DEB), built in a tree configured with
# -DTCPL_PACKAGE=ON; scripts/package does all of it.  Included by the top
# CMakeLists.txt after find_package(Wireshark) and before plugin/.
#
# The package installs, under /usr:
#   bin/tcp-lifecycle, share/man/man1/tcp-lifecycle.1   (postproc/)
#   <Wireshark's global plugin folder>/epan/tcp_lifecycle.so, the folder
#       Wireshark's own CMake package names (Wireshark_PLUGIN_LIBDIR, e.g.
#       lib/x86_64-linux-gnu/wireshark/plugins/4.0), so the plugin loads in
#       the Wireshark it was built against;
#   share/wireshark/profiles/TCP lifecycle/   the profile in plugin/profile/
#       when that folder exists: Wireshark's global profiles live in
#       <data folder>/profiles, and the data folder is /usr/share/wireshark.
# Without TCPL_PACKAGE nothing here changes the build or the install rules,
# and no CPack configuration is written, so `cpack` in an ordinary build
# folder cannot package the personal plugin folder's absolute path.
option(TCPL_PACKAGE "Configure for a system-wide Debian package (cpack -G DEB)" OFF)
if(NOT TCPL_PACKAGE)
  return()
endif()
if(NOT Wireshark_FOUND)
  message(FATAL_ERROR "TCPL_PACKAGE needs the Wireshark development package (wireshark-dev)")
endif()

find_program(TCPL_FILE_PROGRAM file)
find_program(TCPL_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(NOT TCPL_FILE_PROGRAM OR NOT TCPL_DPKG_SHLIBDEPS)
  message(FATAL_ERROR "TCPL_PACKAGE needs file and dpkg-shlibdeps (apt-get install file dpkg-dev)")
endif()
include(GNUInstallDirs)
set(tcpl_ws_version "${Wireshark_MAJOR_VERSION}.${Wireshark_MINOR_VERSION}")
if(DEFINED Wireshark_PLUGIN_LIBDIR AND NOT Wireshark_PLUGIN_LIBDIR STREQUAL "")
  set(tcpl_ws_plugin_libdir "${Wireshark_PLUGIN_LIBDIR}")
else()
  file(RELATIVE_PATH tcpl_ws_plugin_libdir "${Wireshark_INSTALL_PREFIX}" "${Wireshark_PLUGIN_INSTALL_DIR}")
endif()
if(tcpl_ws_plugin_libdir STREQUAL "" OR IS_ABSOLUTE "${tcpl_ws_plugin_libdir}")
  message(FATAL_ERROR "cannot tell Wireshark's global plugin folder from its CMake package")
endif()
# Relative, so under CPack's /usr; set before plugin/ reads it.
set(TCPL_PLUGIN_INSTALL_DIR "${tcpl_ws_plugin_libdir}/epan" CACHE PATH
    "Where cmake --install puts tcp_lifecycle.so" FORCE)
# The profile: plugin/profile/install.sh PROFILES_DIR writes it as a user
# gets it (our colouring rules followed by Wireshark's defaults, which a
# profile's own colorfilters would otherwise replace), run at install time
# into the package's tree; without install.sh the folder's files are copied.
set(tcpl_profiles_dir "${CMAKE_INSTALL_DATADIR}/wireshark/profiles")
set(tcpl_profile_src "${PROJECT_SOURCE_DIR}/plugin/profile")
if(EXISTS "${tcpl_profile_src}/install.sh")
  install(CODE "
    execute_process(COMMAND sh \"${tcpl_profile_src}/install.sh\"
                            \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${tcpl_profiles_dir}\"
                    RESULT_VARIABLE tcpl_rc)
    if(NOT tcpl_rc EQUAL 0)
      message(FATAL_ERROR \"plugin/profile/install.sh failed\")
    endif()")
elseif(IS_DIRECTORY "${tcpl_profile_src}")
  install(DIRECTORY "${tcpl_profile_src}/" DESTINATION "${tcpl_profiles_dir}/TCP lifecycle")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tcp-lifecycle)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "tcp.lifecycle")
set(CPACK_PACKAGE_CONTACT "tcp.lifecycle maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "TCP connection lifecycle analysis for Wireshark and tshark")
set(CPACK_PACKAGE_DESCRIPTION
"The tcp_lifecycle Wireshark plugin adds the inferred RFC 9293 state of both
endpoints and lifecycle anomalies (refused and unanswered SYNs, half-open
connections, CLOSE_WAIT stalls, RST after FIN, ...) to every TCP packet.
tcp-lifecycle reports per-connection timelines from tshark exports or pcap
files and writes annotated pcapng copies.
Built for Wireshark ${tcpl_ws_version}.")
# The plugin loads only in the Wireshark minor version it was built for:
# the version says which, and dpkg-shlibdeps makes it depend on that
# version's libwireshark (libwireshark16 for 4.0, ...).
set(CPACK_DEBIAN_PACKAGE_VERSION "${PROJECT_VERSION}+ws${tcpl_ws_version}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "tshark | wireshark")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_ERROR_ON_ABSOLUTE_INSTALL_DESTINATION ON)
include(CPack)
message(STATUS "Package: tcp-lifecycle ${CPACK_DEBIAN_PACKAGE_VERSION}, plugin in /usr/${TCPL_PLUGIN_INSTALL_DIR}")
