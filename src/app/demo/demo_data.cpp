#include "app/demo/demo_data.hpp"

namespace nelo::app::demo {
namespace {

DemoCity build() {
  DemoCity c;
  c.city = "Paris";
  c.country = "FR";
  c.time_zone = "Europe/Paris";
  c.admin = {"admin", "Demo Admin", {}};

  c.merchants = {
      {"pizzeria", "Giulia Romano", "Pizzeria Napoli",
       "Wood-fired Neapolitan pizza, slow-proofed dough and San Marzano tomatoes.",
       "8 rue de Bretagne, 75003 Paris", {950, 800}, "+33142710801", Hours::Always, 20, 1200, 4000,
       {{"Margherita", "Tomato, fior di latte, basil, olive oil", 1050, "Pizzas"},
        {"Diavola", "Tomato, mozzarella, spicy salami, chili oil", 1350, "Pizzas"},
        {"Quattro formaggi", "Mozzarella, gorgonzola, parmesan, fontina", 1450, "Pizzas"},
        {"Calzone", "Folded pizza with ricotta, ham and mushrooms", 1400, "Pizzas"},
        {"Burrata salad", "Burrata, cherry tomatoes, rocket, pesto", 950, "Starters"},
        {"Tiramisu", "House tiramisu with mascarpone and espresso", 650, "Desserts"},
        {"San Pellegrino 50 cl", "Sparkling mineral water", 350, "Drinks"}}},
      {"bistrot", "Paul Girard", "Le Petit Bistrot",
       "A Marais bistro: French classics, a short menu that changes with the market.",
       "14 rue des Archives, 75004 Paris", {250, 200}, "+33142720802", Hours::LunchDinner, 25, 1500, 3000,
       {{"French onion soup", "Gratinated with Comté cheese", 900, "Starters"},
        {"Duck confit", "Confit duck leg, garlic sautéed potatoes", 2150, "Mains"},
        {"Steak frites", "Beef sirloin, shallot butter, hand-cut fries", 2350, "Mains"},
        {"Croque-monsieur", "Ham, Comté, béchamel, green salad", 1300, "Mains"},
        {"Crème brûlée", "Bourbon vanilla", 750, "Desserts"},
        {"Tarte Tatin", "Caramelised apples, crème fraîche", 800, "Desserts"}}},
      {"ramen", "Kenji Watanabe", "Sakura Ramen", "Rich tonkotsu and shoyu broths simmered for twelve hours.",
       "22 rue Sainte-Anne, 75001 Paris", {900, -1300}, "+33142600803", Hours::Always, 15, 1200, 4000,
       {{"Tonkotsu ramen", "Pork bone broth, chashu, soft egg, nori", 1450, "Ramen"},
        {"Shoyu ramen", "Soy broth, chicken chashu, menma, leek", 1350, "Ramen"},
        {"Miso vegetable ramen", "Miso broth, tofu, corn, seasonal vegetables", 1300, "Ramen"},
        {"Gyoza (6)", "Pan-fried pork dumplings", 700, "Sides"},
        {"Karaage", "Japanese fried chicken, yuzu mayonnaise", 800, "Sides"},
        {"Matcha ice cream", "Two scoops", 550, "Desserts"},
        {"Ramune", "Japanese lemonade", 400, "Drinks"}}},
      {"falafel", "Yael Cohen", "Le Marais Falafel", "Falafel pitas and mezze, made to order.",
       "34 rue des Rosiers, 75004 Paris", {150, 600}, "+33142720804", Hours::Always, 10, 800, 3500,
       {{"Falafel pita", "Falafel, hummus, grilled aubergine, tahini, pickles", 850, "Pitas"},
        {"Chicken shawarma pita", "Marinated chicken, garlic sauce, salad", 950, "Pitas"},
        {"Mezze plate", "Hummus, baba ganoush, tabbouleh, falafel, pita", 1400, "Plates"},
        {"Hummus", "With warm pita", 600, "Sides"},
        {"Fries with za'atar", "", 450, "Sides"},
        {"Lemonade with mint", "Homemade", 400, "Drinks"}}},
      {"boulangerie", "Claire Morel", "Boulangerie Saint-Paul",
       "Bread baked on site all day, viennoiseries and sandwiches.", "5 rue Saint-Antoine, 75004 Paris",
       {-150, 900}, "+33142720805", Hours::Bakery, 5, 500, 2500,
       {{"Baguette tradition", "", 130, "Bread"},
        {"Croissant", "Pure butter", 140, "Viennoiseries"},
        {"Pain au chocolat", "Pure butter", 160, "Viennoiseries"},
        {"Jambon-beurre sandwich", "Ham, butter, baguette tradition", 550, "Sandwiches"},
        {"Quiche lorraine", "Individual", 600, "Savoury"},
        {"Lemon tart", "", 450, "Pastries"},
        {"Éclair au chocolat", "", 420, "Pastries"}}},
      {"greenbowl", "Inès Laurent", "Green Bowl", "Salads and grain bowls, vegetarian and vegan options.",
       "40 rue Montorgueil, 75002 Paris", {1100, -500}, "+33142330806", Hours::Always, 10, 1000, 3500,
       {{"Quinoa bowl", "Quinoa, avocado, chickpeas, roasted squash, tahini", 1250, "Bowls"},
        {"Poke salmon bowl", "Rice, marinated salmon, edamame, mango, sesame", 1450, "Bowls"},
        {"Caesar salad", "Chicken, romaine, parmesan, croutons", 1150, "Salads"},
        {"Vegan buddha bowl", "Brown rice, tofu, kale, beetroot, miso dressing", 1300, "Bowls"},
        {"Cold-pressed juice", "Apple, ginger, lemon", 550, "Drinks"},
        {"Chia pudding", "Coconut milk, red fruit", 500, "Desserts"}}},
      {"burger", "Lucas Bernard", "Burger Bastille", "Smash burgers with French beef and brioche buns.",
       "12 rue de la Roquette, 75011 Paris", {-100, 1900}, "+33143550807", Hours::Always, 15, 1200, 4000,
       {{"Classic smash", "Two beef patties, cheddar, pickles, house sauce", 1250, "Burgers"},
        {"Bacon cheese", "Beef, bacon, cheddar, onion jam", 1400, "Burgers"},
        {"Veggie burger", "Black bean patty, avocado, pickled onions", 1200, "Burgers"},
        {"Fries", "Hand-cut", 450, "Sides"},
        {"Sweet potato fries", "", 550, "Sides"},
        {"Milkshake vanilla", "", 600, "Drinks"},
        {"Brownie", "Chocolate and pecan", 450, "Desserts"}}},
      {"pho", "Minh Tran", "Saigon Phở", "Vietnamese soups and bánh mì, broth cooked overnight.",
       "18 rue Monge, 75005 Paris", {-1200, 300}, "+33143540808", Hours::Always, 15, 1000, 4000,
       {{"Phở bò", "Beef noodle soup, herbs, lime", 1350, "Soups"},
        {"Phở gà", "Chicken noodle soup", 1250, "Soups"},
        {"Bánh mì", "Grilled pork, pickled carrot, coriander, chili", 850, "Sandwiches"},
        {"Bò bún", "Rice vermicelli, lemongrass beef, spring rolls", 1400, "Noodles"},
        {"Spring rolls (4)", "Fried, with nuoc cham", 700, "Starters"},
        {"Iced coffee", "Cà phê sữa đá", 450, "Drinks"}}},
      {"curry", "Priya Sharma", "Curry House", "North Indian curries from the tandoor of the Passage Brady.",
       "51 rue du Faubourg Saint-Denis, 75010 Paris", {2100, 200}, "+33142460809", Hours::Always, 20, 1500, 4500,
       {{"Butter chicken", "Tandoori chicken in a tomato and butter sauce", 1450, "Curries"},
        {"Lamb rogan josh", "Slow-cooked lamb, Kashmiri chili", 1650, "Curries"},
        {"Palak paneer", "Spinach and fresh cheese", 1300, "Curries"},
        {"Chicken biryani", "Basmati rice, saffron, raita", 1550, "Rice"},
        {"Cheese naan", "", 450, "Breads"},
        {"Garlic naan", "", 400, "Breads"},
        {"Samosas (2)", "Potato and peas", 600, "Starters"},
        {"Mango lassi", "", 450, "Drinks"}}},
      {"tacos", "Lucía Hernández", "Taqueria Luz", "Soft corn tortillas pressed to order, salsas made daily.",
       "7 rue de Buci, 75006 Paris", {-700, -1500}, "+33143260810", Hours::Always, 15, 1000, 4000,
       {{"Tacos al pastor (3)", "Marinated pork, pineapple, onion, coriander", 1200, "Tacos"},
        {"Tacos de pollo (3)", "Chipotle chicken, pico de gallo", 1100, "Tacos"},
        {"Veggie tacos (3)", "Grilled mushrooms, black beans, queso fresco", 1050, "Tacos"},
        {"Burrito carnitas", "Pulled pork, rice, beans, guacamole", 1300, "Burritos"},
        {"Nachos", "Cheese, jalapeños, guacamole, sour cream", 900, "Sides"},
        {"Horchata", "Rice and cinnamon drink", 450, "Drinks"}}},
      {"creperie", "Yann Le Goff", "Crêperie du Pont", "Breton galettes of buckwheat and sweet crêpes.",
       "3 quai aux Fleurs, 75004 Paris", {-250, 100}, "+33143540811", Hours::Creperie, 15, 1000, 3000,
       {{"Galette complète", "Ham, Emmental, egg", 1050, "Galettes"},
        {"Galette forestière", "Mushrooms, goat cheese, cream", 1250, "Galettes"},
        {"Galette saumon", "Smoked salmon, crème fraîche, chives", 1350, "Galettes"},
        {"Crêpe beurre-sucre", "", 500, "Crêpes"},
        {"Crêpe caramel beurre salé", "House salted caramel", 700, "Crêpes"},
        {"Crêpe Suzette", "Orange butter, Grand Marnier", 850, "Crêpes"},
        {"Brut cider 75 cl", "Breton cider", 1200, "Drinks", false}}},
      {"sushi", "Aiko Tanaka", "Sushi Seine", "Sushi and sashimi, fish from Rungis every morning.",
       "26 rue Saint-Louis-en-l'Île, 75004 Paris", {-400, 700}, "+33143290812", Hours::Always, 20, 1500, 4000,
       {{"Salmon nigiri (2)", "", 550, "Nigiri"},
        {"Tuna nigiri (2)", "", 650, "Nigiri"},
        {"California roll (8)", "Crab, avocado, cucumber, sesame", 900, "Rolls"},
        {"Spicy tuna roll (8)", "", 1050, "Rolls"},
        {"Sashimi platter", "15 pieces: salmon, tuna, sea bream", 2200, "Platters"},
        {"Chirashi", "Assorted sashimi on sushi rice", 1800, "Platters"},
        {"Miso soup", "", 350, "Sides"},
        {"Edamame", "With sea salt", 450, "Sides"},
        {"Mochi (3)", "Matcha, sesame, yuzu", 650, "Desserts"}}},
  };

  c.customers = {
      {"alice", "Alice Martin",
       {{"Home", "10 rue de Rivoli", "75004", {-30, 80}, "Code 4521B, third floor on the left"},
        {"Work", "25 rue du Louvre", "75001", {650, -900}, ""}}},
      {"bruno", "Bruno Lefèvre", {{"Home", "17 rue du Temple", "75004", {300, 100}, ""}}},
      {"chloe", "Chloé Dubois",
       {{"Home", "3 place des Vosges", "75004", {100, 1400}, "Ring Dubois"},
        {"Parents", "12 boulevard Saint-Germain", "75005", {-600, 250}, ""}}},
  };

  c.drivers = {{"karim", "Karim Benali", {}}, {"sofia", "Sofia Rossi", {}}, {"tom", "Tom Nguyen", {}}};
  return c;
}

}  // namespace

const DemoCity& demo_city() {
  static const DemoCity city = build();
  return city;
}

}  // namespace nelo::app::demo
