print("maildouble")
