/// Word lists behind the context-based detectors (person names and street addresses) and the
/// surrogate generator: common US given names and surnames (public census and SSA frequency
/// lists), USPS street suffixes, and the cue words that announce a name.
enum NameLexicon {
    static let firstNames: [String] = """
        James Robert John Michael David William Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony Mark \
        Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob \
        Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick \
        Raymond Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah \
        Jeremy Christian Keith Roger Terry Gerald Harold Sean Austin Carl Arthur Lawrence Dylan Jesse Jordan Bryan \
        Billy Joe Bruce Gabriel Logan Albert Willie Alan Juan Wayne Elijah Randy Roy Vincent Ralph Eugene Russell \
        Bobby Mason Philip Louis Luis Carlos Marcus Shawn Travis Derek Cody Corey Dustin Evan Isaac Luke Caleb \
        Jimmy Victor Martin Mario Craig Curtis Todd Jared Chad Alex Troy Antonio Manuel Ricardo Jorge Miguel Allen \
        Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra \
        Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura \
        Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine \
        Debra Rachel Carolyn Janet Catherine Maria Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly \
        Lauren Christina Joan Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara \
        Madison Frances Kathryn Janice Jean Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle \
        Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis Lori Tiffany Crystal Erin \
        Tracy Monica Wendy Tammy Holly Valerie Vanessa Courtney Erica Jill Julia Kristen Katie Leslie Dana Alicia \
        Kristin Whitney Heidi Tara Brittney Chelsea Kathy Paula Lindsay Veronica Caroline Jenna Ava Mia Chloe \
        Ella Lily Zoe Leah Aubrey Claire Riley Nora Stella Savannah Brooke Paige Jasmine Morgan Haley Sydney \
        Sherry Melanie Kristina Carla Rhonda Connie Colleen Kristy Yvonne Gina Renee Stacy Shannon Jamie Angel \
        Rodney Johnny Phillip Bradley Shane Jeffery Darren Joel Ronnie Lance Marc Clayton Dale Glenn Calvin Barry \
        Brett Kurt Neil Gordon Dean Darryl Edwin Francisco Eduardo Javier Rafael Omar Hector Sergio Fernando Ruben \
        Tony Frederick Stanley Leonard Howard Clarence Earl Harry Fred Lee Norman Ernest Melvin Glen Jeff Tom \
        Mike Chris Dan Matt Steve Dave Jim Bill Bob Ben Sam Nick Jake Josh Andy Katie Jenny Beth Megan Meghan \
        Wanda Kim Tina Anne Sue Joanne Lynn Jane Kate Liam Oliver Lucas Owen Hunter Wyatt Carter Julian Grayson \
        Leo Jayden Gavin Levi Isaiah Connor Landon Adrian Cameron Jaxon Cole Blake Spencer Garrett Mitchell \
        Destiny Alyssa Jordan Taylor Kaitlyn Mackenzie Gabrielle Sierra Autumn Bailey Shelby Cassandra Kara Mallory
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)

    static let surnames: [String] = """
        Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson \
        Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis \
        Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall \
        Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes \
        Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard \
        Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price \
        Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell \
        Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton \
        Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar \
        Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas \
        Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw \
        Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox \
        Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne \
        Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott \
        Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman \
        Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence Sandoval Guerrero George Chapman Rios \
        Estrada Ortega Watkins Greene Nunez Wheeler Valdez Harper Burke Larson Santiago Maldonado Morrison \
        Franklin Carlson Austin Dominguez Carr Lawson Jacobs Obrien Lynch Singh Vega Bishop Montgomery Oliver \
        Jensen Harvey Williamson Gilbert Dean Sims Espinoza Howell Li Wong Reid Hanson Le McCoy Garrett Burton \
        Fuller Wang Weber Welch Rojas Lucas Marquez Fields Park Yang Little Banks Padilla Day Walsh Bowman Schultz \
        Luna Fowler Mejia Davidson Acosta Brewer May Holland Juarez Newman Pearson Curtis Cortez Douglas Schneider \
        Joseph Barrett Navarro Figueroa Keller Avila Wade Molina Stanley Hopkins Campos Barnett Bates Chambers \
        Caldwell Beck Lambert Miranda Byrd Craig Ayala Lowe Frazier Powers Neal Leonard Gregory Carrillo Sutton \
        Fleming Rhodes Shelton Schwartz Norris Jennings Watts Duran Walters Cohen McDaniel Moran Parks Steele \
        Vaughn Becker Holt Deleon Barker Terry Hale Leon Hail Benson Haynes Horton Miles Lyons Pham Graves Bush \
        Thornton Wolfe Warner Cabrera McKinney Mann Zimmerman Dawson Lara Fletcher Page McCarthy Love Robles \
        Cervantes Solis Erickson Reeves Chang Klein Salinas Fuentes Baldwin Daniel Simon Velasquez Hardy Higgins
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)

    /// USPS street suffixes, full and abbreviated.
    static let streetSuffixes: [String] = """
        Street St Avenue Ave Av Road Rd Boulevard Blvd Lane Ln Drive Dr Court Ct Way Place Pl Terrace Ter Circle \
        Cir Parkway Pkwy Highway Hwy Square Sq Trail Trl Alley Annex Arcade Bayou Beach Bend Bluff Bluffs Bottom \
        Branch Bridge Brook Brooks Burg Burgs Bypass Camp Canyon Cape Causeway Center Centers Circles Cliff Cliffs \
        Club Common Commons Corner Corners Course Courts Cove Coves Creek Crescent Crest Crossing Crossroad Curve \
        Dale Dam Divide Drives Estate Estates Expressway Extension Extensions Falls Ferry Field Fields Flat Flats \
        Ford Fords Forest Forge Forges Fork Forks Fort Freeway Garden Gardens Gateway Glen Glens Green Greens \
        Grove Groves Harbor Harbors Haven Heights Hill Hills Hollow Inlet Island Islands Isle Junction Junctions \
        Key Keys Knoll Knolls Lake Lakes Land Landing Light Lights Loaf Lock Locks Lodge Loop Mall Manor Manors \
        Meadow Meadows Mews Mill Mills Mission Motorway Mount Mountain Mountains Neck Orchard Oval Overpass Park \
        Parks Parkways Pass Passage Path Pike Pine Pines Plain Plains Plaza Point Points Port Ports Prairie Radial \
        Ramp Ranch Rapid Rapids Rest Ridge Ridges River Roads Route Row Rue Run Shoal Shoals Shore Shores Skyway \
        Spring Springs Spur Spurs Squares Station Stravenue Stream Streets Summit Terrace Throughway Trace Track \
        Trafficway Tunnel Turnpike Underpass Union Unions Valley Valleys Via Viaduct View Views Village Villages \
        Ville Vista Walk Walks Wall Ways Well Wells
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)

    /// Cue words before a name, lowercased, with the confidence they lend.
    static let strongCues: [String] = ["mr", "mrs", "ms", "miss", "dr", "prof", "sir", "madam", "dear"]
    static let weakCuePhrases: [String] = [
        "name is ", "i'm ", "i am ", "this is ", "hi ", "hello ", "hey ", "thanks ", "thank you ", "regards, ",
        "sincerely, ", "signed by ", "contact ", "from ", "by ", "with ", "assigned to ", "cc ", "customer ",
        "patient ", "employee ", "manager ", "user ", "attendee ", "passenger ", "guest ", "tenant ", "owner ",
        "named ", "called ", "ask ", "tell ", "meet ", "for ", "to ", "and ", "best, ", "cheers, ",
    ]

    /// Capitalised words that start sentences or name things, never people.
    static let notNames: Set<String> = Set(
        """
        The A An I In On At For To From With Please Thanks Thank Hello Hi Hey Dear Yes No Not And Or But If Then \
        This That These Those It Its We You They He She My Your Our Their His Her Is Are Was Were Be Can Could \
        Would Should Will May Might Must Do Does Did Has Have Had Get Set Let Make Use See Find Show Send Check \
        Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April June July August \
        September October November December Today Tomorrow Yesterday Order Invoice Ticket Customer User Assistant \
        System Tool Error Warning Note Summary Subject Re Fwd Inc LLC Ltd Corp Company Team Support Service API \
        JSON HTTP URL SQL AWS Google Microsoft Apple Amazon OpenAI Anthropic Slack GitHub Python Swift Java \
        North South East West New Old Saint St Mount Lake Port Fort San Santa Los Las El La Le De Van Von \
        Apt Suite Unit Box Floor Room Building Dept Department University College School Hospital Bank Street \
        Road Avenue Drive Lane Court Boulevard Hotel Airport Station Park Center Group Project Account Report \
        Meeting Call Email Phone Address Name Date Time Status Total Amount Price Payment Card Number Code ID \
        Mon Tue Wed Thu Fri Sat Sun Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Yours Best Regards Cheers \
        Sincerely Kind Warm Here There What When Where Who Why How All Any Some Every Each Both Just Also Only \
        Mr Mrs Ms Miss Dr Prof Sir Madam Jr Sr
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))

    static let firstNameSet = Set(firstNames)
    static let surnameSet = Set(surnames)
    static let streetSuffixSet = Set(streetSuffixes)
    static let cities: [String] = [
        "Springfield", "Riverton", "Fairview", "Greenville", "Franklin", "Clinton", "Madison", "Georgetown",
        "Salem", "Arlington", "Ashland", "Burlington", "Dayton", "Milton", "Oxford", "Newport",
    ]
    static let states: [String] = [
        "AL", "AZ", "CA", "CO", "CT", "FL", "GA", "IL", "IN", "KS", "MA", "MD", "MI", "MN", "MO", "NC", "NJ", "NY",
        "OH", "OR", "PA", "TN", "TX", "VA", "WA", "WI",
    ]
    static let stateSet: Set<String> = Set(
        """
        AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK \
        OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR VI AA AE AP
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
}
