app_name = "matching"
urlpatterns: list[object] = []
