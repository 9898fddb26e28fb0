# tcpl_embed(OUT VAR FILE [VAR FILE]...): text files as NUL-terminated C
# char arrays in OUT, written at configure time and again whenever one of
# the files changes (they are configure dependencies).  Keeps the HTML
# page's script and style in files of their own, lintable as what they are,
# without a build-time generator that every target compiling the report
# would have to depend on.
function(tcpl_embed out)
  set(text "/* Generated from ${ARGN} by cmake/embed.cmake: do not edit. */\n")
  set(args ${ARGN})
  list(LENGTH args n)
  math(EXPR last "${n} - 1")
  foreach(i RANGE 0 ${last} 2)
    math(EXPR j "${i} + 1")
    list(GET args ${i} var)
    list(GET args ${j} file)
    file(READ ${file} hex HEX)
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
    string(REGEX REPLACE "((0x..,){16})" "\\1\n" bytes "${bytes}")
    string(APPEND text "const char ${var}[] = {\n${bytes}0};\n")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
  endforeach()
  file(WRITE ${out}.tmp "${text}")
  configure_file(${out}.tmp ${out} COPYONLY)
endfunction()
